using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.UncheckedTemperatureAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.UncheckedTemperatureAnalyzer, LmProb.CodeFixes.Rules.UncheckedTemperatureFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class UncheckedTemperatureTests
{
    // ---- fires

    [Fact]
    public Task LogitsDividedByTemperatureParameterInALoop() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static void Scale(float[] logits, float temperature)
            {
                for (int i = 0; i < logits.Length; i++)
                {
                    logits[i] = {|LMP009:logits[i] / temperature|};
                }
            }

            static void InPlace(Span<float> logits, double temperature)
            {
                for (int i = 0; i < logits.Length; i++) {|LMP009:logits[i] /= (float)temperature|};
            }
        }
        """);

    [Fact]
    public Task ShortNameInsideTheExpOfASoftmax() => Verify.VerifyAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float[] Softmax(float[] x, float t)
            {
                float max = x.Max();
                var e = new float[x.Length];
                float sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    e[i] = MathF.Exp({|LMP009:(x[i] - max) / t|});
                    sum += e[i];
                }

                for (int i = 0; i < x.Length; i++) e[i] /= sum;
                return e;
            }

            static double[] Scaled(double[] x, double tau) => x.Select(v => Math.Exp({|LMP009:v / tau|})).ToArray();
        }
        """);

    [Fact]
    public Task TensorPrimitivesDivideAndLinqSelect() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        using System.Numerics.Tensors;

        class C
        {
            static void A(ReadOnlySpan<float> logits, float temperature, Span<float> scaled) =>
                {|LMP009:TensorPrimitives.Divide(logits, temperature, scaled)|};

            static float[] B(float[] logits, float samplingTemperature) => logits.Select(l => {|LMP009:l / samplingTemperature|}).ToArray();

            static float[] D(float[] logits, float temperature)
            {
                float inverse = {|LMP009:1f / temperature|};
                return logits.Select(l => l * inverse).ToArray();
            }
        }
        """);

    [Fact]
    public Task FieldsAndPropertiesThatNothingChecks() => Verify.VerifyAsync("""
        using System;

        record GenerationOptions(float Temperature, int MaxTokens);

        class Sampler
        {
            private readonly float _temperature;

            public Sampler(float temperature) => _temperature = temperature;

            public void Apply(float[] logits)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] = {|LMP009:logits[i] / _temperature|};
            }

            public static void Apply(float[] logits, GenerationOptions options)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] = {|LMP009:logits[i] / options.Temperature|};
            }
        }
        """);

    [Fact]
    public Task TorchSharpDivisionByTemperature() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor logits, float temperature) => {|LMP009:logits / temperature|};
            static Tensor B(Tensor x, double t) => {|LMP009:x.div(t)|}.softmax(-1);
        }
        """);

    [Fact]
    public Task TemperatureReadFromInputIntoALocal() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static void Main(string[] args)
            {
                float temperature = float.Parse(args[0]);
                var logits = new float[] { 2f, 1f, 0f };
                for (int i = 0; i < logits.Length; i++) logits[i] = {|LMP009:logits[i] / temperature|};
                for (int i = 0; i < logits.Length; i++) logits[i] = logits[i] / temperature;
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task CheckedByComparisonThrowOrConditional() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Diagnostics;

        class C
        {
            static void A(float[] logits, float temperature)
            {
                if (temperature <= 0) throw new ArgumentOutOfRangeException(nameof(temperature));
                for (int i = 0; i < logits.Length; i++) logits[i] /= temperature;
            }

            static void B(float[] logits, float temperature)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
                for (int i = 0; i < logits.Length; i++) logits[i] /= temperature;
            }

            static float D(float logit, float temperature) => temperature > 0 ? logit / temperature : logit;

            static float E(float logit, float temperature) => temperature is > 0f and < 100f ? logit / temperature : 0;

            static void F(float[] logits, float temperature)
            {
                Debug.Assert(temperature > 0);
                for (int i = 0; i < logits.Length; i++) logits[i] /= temperature;
            }

            static int G(float[] logits, float temperature)
            {
                if (temperature == 0) return Array.IndexOf(logits, logits[0]);
                for (int i = 0; i < logits.Length; i++) logits[i] /= temperature;
                return -1;
            }
        }
        """);

    [Fact]
    public Task ClampedOrConstantTemperature() => Verify.VerifyNoDiagnosticAsync("""
        using System;

        class C
        {
            const float DefaultTemperature = 0.7f;

            static void A(float[] logits, float temperature)
            {
                float t = MathF.Max(temperature, 1e-5f);
                for (int i = 0; i < logits.Length; i++) logits[i] /= t;
            }

            static void B(float[] logits, float temperature)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] /= Math.Max(temperature, 1e-5f);
            }

            static void D(float[] logits)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] = logits[i] / DefaultTemperature / 0.5f;
                float temperature = 0.8f;
                for (int i = 0; i < logits.Length; i++) logits[i] = logits[i] / temperature;
            }
        }
        """);

    [Fact]
    public Task MembersCheckedInTheirTypeAndLibraryTemperatures() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using LmProb;

        class Sampler
        {
            private readonly float _temperature;

            public Sampler(float temperature)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
                _temperature = temperature;
            }

            public float Temperature
            {
                get => _temperature;
                init => _temperature = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
            }

            public void Apply(float[] logits)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] = logits[i] / _temperature / Temperature;
            }

            public static void Library(float[] logits, float[] probabilities, float temperature) =>
                Probability.Softmax(logits, probabilities, temperature);
        }
        """);

    [Fact]
    public Task ShortNamesOutsideASoftmaxAndNonTemperatures() => Verify.VerifyNoDiagnosticAsync("""
        using System;

        class C
        {
            static float Speed(float distance, float t) => distance / t;

            static float Ratio(float a, float temp) => a / temp;

            static void Normalize(float[] p, float total)
            {
                for (int i = 0; i < p.Length; i++) p[i] /= total;
            }

            static int Steps(int tokens, int t) => tokens / t;
        }
        """);

    // ---- fix

    [Fact]
    public Task FixInsertsTheGuardAtTheTopOfTheMethod() => VerifyFix.VerifyFixAsync("""
        using System;

        class C
        {
            static void Scale(float[] logits, float temperature)
            {
                // scale in place
                for (int i = 0; i < logits.Length; i++)
                {
                    logits[i] = {|LMP009:logits[i] / temperature|};
                }
            }
        }
        """, """
        using System;

        class C
        {
            static void Scale(float[] logits, float temperature)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
                // scale in place
                for (int i = 0; i < logits.Length; i++)
                {
                    logits[i] = logits[i] / temperature;
                }
            }
        }
        """);

    [Fact]
    public Task FixAllTurnsExpressionBodiesIntoBlocks() => VerifyFix.VerifyFixAsync("""
        using System.Linq;

        class C
        {
            private float _temperature = 1f;

            static float[] A(float[] logits, float temperature) => logits.Select(l => {|LMP009:l / temperature|}).ToArray();

            void B(float[] logits) => {|LMP009:logits[0] /= _temperature|};
        }
        """, """
        using System.Linq;

        class C
        {
            private float _temperature = 1f;

            static float[] A(float[] logits, float temperature)
            {
                global::System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
                return logits.Select(l => l / temperature).ToArray();
            }

            void B(float[] logits)
            {
                global::System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_temperature);
                logits[0] /= _temperature;
            }
        }
        """);

    [Fact]
    public Task FixGuardsAPropertyOfAParameter() => VerifyFix.VerifyFixAsync("""
        using System;

        record GenerationOptions(float Temperature);

        class C
        {
            static void Apply(float[] logits, GenerationOptions options)
            {
                for (int i = 0; i < logits.Length; i++) logits[i] = {|LMP009:logits[i] / options.Temperature|};
            }
        }
        """, """
        using System;

        record GenerationOptions(float Temperature);

        class C
        {
            static void Apply(float[] logits, GenerationOptions options)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Temperature);
                for (int i = 0; i < logits.Length; i++) logits[i] = logits[i] / options.Temperature;
            }
        }
        """);

    [Fact]
    public Task NoFixForLocalsOrGenericTemperatures() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using System.Numerics;

        class C
        {
            static void A(string[] args, float[] logits)
            {
                float temperature = float.Parse(args[0]);
                for (int i = 0; i < logits.Length; i++) logits[i] = {|LMP009:logits[i] / temperature|};
            }

            static T B<T>(T logit, T temperature) where T : IFloatingPoint<T> => {|LMP009:logit / temperature|};
        }
        """);
}
