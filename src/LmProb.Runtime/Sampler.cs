using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using LmProb.Internal;
using LmProb.Kernels;

namespace LmProb;

/// <summary>
/// Draws tokens from logits with temperature, top-k, top-p (nucleus) and min-p, reproducibly: the
/// same <see cref="SamplerOptions"/>, seed and sequence of logits give the same tokens on every
/// machine, on every SIMD path (AVX-512, AVX2, SSE, scalar) and in every run.
/// </summary>
/// <remarks>
/// <para>
/// <b>Order of operations</b> (as in Hugging Face <c>transformers</c>), for a row of n logits:
/// </para>
/// <list type="number">
/// <item><description>Temperature: the weights are <c>w[i] = exp((x[i] − max) / T)</c>, by the library's exp
/// kernel, which is bit-identical at every vector width; the largest weight is 1. (Where
/// <c>x[i] − max</c> overflows, in a row spanning more than the float range, <c>x[i] / T − max / T</c>.) (T = 0 skips
/// everything below and returns <see cref="Decoding.Greedy(ReadOnlySpan{float})"/>'s choice.)</description></item>
/// <item><description>Top-k (if 0 &lt; TopK &lt; n): the TopK largest logits, ties to the lower index
/// (dividing by T &gt; 0 keeps the order, so these are the largest tempered logits too).</description></item>
/// <item><description>Top-p (if TopP &lt; 1): of the tokens left, largest logit first, the smallest prefix whose
/// weight sum (in double) reaches TopP times the weight sum of all tokens left, i.e. of the
/// renormalized distribution after top-k (a token of weight 0 ends the prefix: p was out of reach
/// by rounding). Never empty. Found without sorting the row (see <see cref="Decoding.TopP(ReadOnlySpan{float}, float, Span{int})"/>).</description></item>
/// <item><description>Min-p (if MinP &gt; 0): of the tokens left, those with <c>w &gt;= MinP · largest w</c>.</description></item>
/// <item><description>Draw: one uniform <c>u</c> in [0, 1) with 53 random bits from xoshiro256** (seeded through
/// SplitMix64); the token is the first at which the running sum of weights, in double, exceeds
/// <c>u</c> times their total. The order is fixed: the candidates' order (largest logit first) when
/// top-k or top-p is on, otherwise index order (with block sums in a fixed order, so the whole row
/// is not walked one weight at a time). Tokens of weight 0 (−inf logits) are never drawn.</description></item>
/// </list>
/// <para>
/// Each sampled call consumes exactly one 64-bit output of the generator; greedy calls
/// (Temperature = 0) and bad rows consume none. A bad row, one containing NaN or +inf or all −inf,
/// returns <see cref="Decoding.Greedy(ReadOnlySpan{float})"/>'s choice (−1 for an empty or all-NaN row).
/// <see cref="Half"/> and <see cref="BFloat16"/> logits are widened exactly to float first, so
/// they sample exactly like the same values given as float.
/// </para>
/// <para>
/// <b>Thread safety</b>: a <see cref="Sampler"/> is <em>not</em> thread-safe: <see cref="Next(ReadOnlySpan{float})"/>
/// advances the generator and reuses internal buffers. Use one instance per thread (with different
/// seeds, or the same sequence of tokens comes out of each).
/// </para>
/// <para>
/// <b>Allocation</b>: <see cref="Next(ReadOnlySpan{float})"/> keeps its work buffers between calls (and
/// rents its scratch from <see cref="System.Buffers.ArrayPool{T}.Shared"/>), so it allocates only when
/// a row is longer than any seen before.
/// </para>
/// </remarks>
public sealed class Sampler
{
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;
    private readonly float _minP;
    private Xoshiro256StarStar _random;

    private float[] _widened = [];
    private float[] _weights = [];
    private int[] _candidates = [];
    private float[] _candidateLogits = [];
    private double[] _blockSums = [];

    /// <summary>Creates a sampler; its generator is seeded from <see cref="SamplerOptions.Seed"/>.</summary>
    /// <param name="options">The temperature, filters and seed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Temperature is negative, NaN or +inf; TopK is negative;
    /// TopP is not in (0, 1]; or MinP is not in [0, 1]. The message names the property and the value.</exception>
    public Sampler(SamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Temperature >= 0) || float.IsPositiveInfinity(options.Temperature))
        {
            ThrowHelper.InvalidOption(nameof(SamplerOptions.Temperature), options.Temperature, "must be 0 (greedy) or positive and finite");
        }
        if (options.TopK < 0)
        {
            ThrowHelper.InvalidOption(nameof(SamplerOptions.TopK), options.TopK, "must not be negative (0 turns top-k off)");
        }
        if (!(options.TopP > 0 && options.TopP <= 1))
        {
            ThrowHelper.InvalidOption(nameof(SamplerOptions.TopP), options.TopP, "must be in (0, 1] (1 turns top-p off)");
        }
        if (!(options.MinP >= 0 && options.MinP <= 1))
        {
            ThrowHelper.InvalidOption(nameof(SamplerOptions.MinP), options.MinP, "must be in [0, 1] (0 turns min-p off)");
        }
        Options = options;
        _temperature = options.Temperature;
        _topK = options.TopK;
        _topP = options.TopP;
        _minP = options.MinP;
        _random = new Xoshiro256StarStar(options.Seed ?? Xoshiro256StarStar.RandomSeed());
    }

    /// <summary>The options this sampler was created with.</summary>
    public SamplerOptions Options { get; }

    /// <summary>Draws the next token from one row of logits, as described on the class.</summary>
    /// <param name="logits">The logits of one position (one row of the vocabulary).</param>
    /// <returns>The token id, in <c>[0, logits.Length)</c>; −1 only for an empty or all-NaN row.</returns>
    public int Next(ReadOnlySpan<float> logits) => NextCore(logits);

    /// <inheritdoc cref="Next(ReadOnlySpan{float})"/>
    public int Next(ReadOnlySpan<Half> logits) => NextCore(logits);

    /// <inheritdoc cref="Next(ReadOnlySpan{float})"/>
    public int Next(ReadOnlySpan<BFloat16> logits) => NextCore(logits);

    private int NextCore<T>(ReadOnlySpan<T> logits)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Sample(MemoryMarshal.Cast<T, float>(logits));
        }
        var row = Buffer(ref _widened, logits.Length);
        Elements.Widen(logits, row);
        return Sample(row);
    }

    private int Sample(ReadOnlySpan<float> logits)
    {
        if (_temperature == 0)
        {
            return TopKSelection.ArgMax(logits);
        }
        var max = SoftmaxKernels.Max(logits);
        if (!float.IsFinite(max))
        {
            // NaN, +inf, all −inf, or empty.
            return TopKSelection.ArgMax(logits);
        }

        // 1. Temperature.
        var length = logits.Length;
        var weights = Buffer(ref _weights, length);
        if (_temperature == 1)
        {
            RowLoops.Map(logits, weights, new ShiftedExp(max));
        }
        else
        {
            RowLoops.Map(logits, weights, new TemperedExp(max, _temperature));
        }
        var u = _random.NextDouble();

        var topK = _topK > 0 && _topK < length ? _topK : 0;
        var topP = _topP < 1;
        if (topK == 0 && !topP)
        {
            // No ordered candidate list is needed: min-p zeroes weights in place, the draw walks the row.
            if (_minP > 0)
            {
                // The largest weight is exp(0) = 1.
                RowLoops.Map(weights, weights, new KeepAtLeast(NucleusSelection.MinPThreshold(_minP, 1f)));
            }
            var blockSums = Buffer(ref _blockSums, CategoricalDraw.BlockCount(length));
            var total = CategoricalDraw.BlockSums(weights, blockSums);
            return CategoricalDraw.Draw(weights, blockSums, total, u);
        }

        // 2. Top-k and 3. top-p give a candidate list, largest logit first; 4. min-p filters it.
        int count;
        if (topK > 0)
        {
            count = SelectTopK(logits, topK);
            if (topP)
            {
                count = NucleusOfCandidates(weights, count);
            }
        }
        else
        {
            count = NucleusOfRow(logits, weights);
        }
        if (_minP > 0)
        {
            count = MinPOfCandidates(weights, count);
        }
        // 5. Draw.
        return DrawFromCandidates(weights, count, u);
    }

    /// <summary>The <paramref name="k"/> largest logits into the candidate buffer, best first.</summary>
    private int SelectTopK(ReadOnlySpan<float> logits, int k)
    {
        TopKSelection.Select(logits, Buffer(ref _candidates, k), Buffer(ref _candidateLogits, k));
        return k;
    }

    /// <summary>Top-p over the first <paramref name="count"/> candidates: the smallest prefix reaching p of their weight.</summary>
    private int NucleusOfCandidates(ReadOnlySpan<float> weights, int count)
    {
        var candidates = _candidates.AsSpan(0, count);
        var mass = 0.0;
        foreach (var token in candidates)
        {
            mass += weights[token];
        }
        var target = _topP * mass;
        var running = 0.0;
        for (var j = 0; j < count; j++)
        {
            running += weights[candidates[j]];
            if (running >= target)
            {
                return j + 1;
            }
        }
        // Not reached: p < 1 makes target <= mass, and the last running sum is mass.
        return count;
    }

    /// <summary>Top-p over the whole row, largest logit first, until the weight reaches p of the row's.</summary>
    private int NucleusOfRow(ReadOnlySpan<float> logits, ReadOnlySpan<float> weights)
    {
        var blockSums = Buffer(ref _blockSums, CategoricalDraw.BlockCount(logits.Length));
        var target = _topP * CategoricalDraw.BlockSums(weights, blockSums);
        return NucleusSelection.Select(logits, weights, target, Buffer(ref _candidates, logits.Length));
    }

    /// <summary>Min-p over the first <paramref name="count"/> candidates, compacted in order; the first (largest) always stays.</summary>
    private int MinPOfCandidates(ReadOnlySpan<float> weights, int count)
    {
        var candidates = _candidates.AsSpan(0, count);
        var largest = 0f;
        foreach (var token in candidates)
        {
            largest = MathF.Max(largest, weights[token]);
        }
        var threshold = (double)_minP * largest;
        var kept = 0;
        foreach (var token in candidates)
        {
            if (weights[token] >= threshold)
            {
                candidates[kept++] = token;
            }
        }
        return kept;
    }

    /// <summary>
    /// The first candidate at which the running weight sum (double, candidate order) exceeds
    /// <c>u · total</c>; rounding that leaves it unreached picks the last candidate of nonzero weight.
    /// </summary>
    private int DrawFromCandidates(ReadOnlySpan<float> weights, int count, double u)
    {
        var candidates = _candidates.AsSpan(0, count);
        var total = 0.0;
        foreach (var token in candidates)
        {
            total += weights[token];
        }
        var target = u * total;
        var running = 0.0;
        var last = 0;
        for (var j = 0; j < candidates.Length; j++)
        {
            var weight = weights[candidates[j]];
            if (weight > 0)
            {
                last = j;
                running += weight;
                if (running > target)
                {
                    return candidates[j];
                }
            }
        }
        return candidates[last];
    }

    /// <summary>The first <paramref name="length"/> elements of an owned buffer, grown (the only allocation) when too short.</summary>
    private static Span<T> Buffer<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
        return buffer.AsSpan(0, length);
    }
}
