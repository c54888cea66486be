using System;
using System.CommandLine;
using System.Linq;
using LmProb.Harness.Display;
using Spectre.Console;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>losses</c>: each loss's formula with worked numbers: LmProb's result next to the formula
/// evaluated by hand in double, and next to the naive float version where that one breaks.
/// </summary>
internal static class LossesCommand
{
    public static Command Create(HarnessConsole console)
    {
        var command = new Command("losses", "The loss formulas with worked numbers: BCE vs focal, InfoNCE, triplet, DPO, label smoothing, masked vs padded mean.");
        command.SetAction(_ => Run(console));
        return command;
    }

    public static void Run(HarnessConsole console)
    {
        console.Heading("losses: formulas with worked numbers (LmProb next to the formula by hand in double)");
        BinaryAndFocal(console);
        InfoNce(console);
        Triplet(console);
        Dpo(console);
        LabelSmoothing(console);
        MaskedMean(console);
    }

    private static void BinaryAndFocal(HarnessConsole console)
    {
        console.Line();
        console.Line("BCE with logits  = max(x, 0) − x·y + log(1 + e^−|x|)       (never log σ(x): σ(20) rounds to 1 in float)");
        console.Line("focal (γ=2, α=.25) = α_t · (1 − p_t)^γ · BCE,  p_t = σ(x) if y = 1 else 1 − σ(x),  α_t = α if y = 1 else 1 − α");
        var table = Tables.Create("logit x", "y", "p_t", "BinaryCrossEntropyWithLogits", "by hand", "naive −log σ in float", "BinaryFocalLossWithLogits", "by hand", "focal / BCE")
            .RightAlign(0, 1, 2, 3, 4, 5, 6, 7, 8);
        foreach (var (x, y) in new (float, float)[] { (4, 1), (1, 1), (0, 1), (-1, 1), (-4, 1), (20, 0) })
        {
            var bce = Loss.BinaryCrossEntropyWithLogits(x, y);
            var bceByHand = Math.Max(x, 0) - (x * y) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            var sigmoid = 1f / (1f + MathF.Exp(-x));
#pragma warning disable LMP007 // Deliberate: the naive BCE from probabilities, to show it going infinite at x = 20.
            var naive = -((y * MathF.Log(sigmoid)) + ((1 - y) * MathF.Log(1 - sigmoid)));
#pragma warning restore LMP007
            var focal = Loss.BinaryFocalLossWithLogits(x, y);
            var pt = y == 1 ? 1 / (1 + Math.Exp(-x)) : 1 - (1 / (1 + Math.Exp(-x)));
            var alphaT = y == 1 ? 0.25 : 0.75;
            var focalByHand = alphaT * Math.Pow(1 - pt, 2) * bceByHand;
            table.AddTextRow($"{x}", $"{y}", $"{pt:G4}", $"{bce:G6}", $"{bceByHand:G6}", $"{naive:G6}", $"{focal:G6}", $"{focalByHand:G6}", $"{focal / bce:G3}");
        }
        console.Ansi.Write(table);
        console.Line($"FocalLoss(p = 0.9, γ = 2) = {Loss.FocalLoss(0.9f, 2):G6} = (1 − 0.9)² · −log 0.9 = {Math.Pow(0.1, 2) * -Math.Log(0.9):G6}: an easy example counts 100× less than in CE ({-Math.Log(0.9):G6})");
    }

    private static void InfoNce(HarnessConsole console)
    {
        console.Line();
        console.Line("InfoNCE (n × n similarities, positives on the diagonal) = mean_i [ log Σ_j e^(s_ij/τ) − s_ii/τ ]");
        float[] s =
        [
            0.9f, 0.1f, 0.3f,
            0.2f, 0.8f, 0.6f,
            0.1f, 0.4f, 0.5f,
        ];
        console.Line("  s = [[0.9, 0.1, 0.3], [0.2, 0.8, 0.6], [0.1, 0.4, 0.5]]");
        var table = Tables.Create("τ", "row 0", "row 1", "row 2", "Loss.InfoNce (mean)", "by hand").RightAlign(0, 1, 2, 3, 4, 5);
        foreach (var tau in new[] { 1f, 0.1f, 0.05f })
        {
            var rows = new float[3];
            var mean = Loss.InfoNce(s, 3, tau, rows);
            var byHand = Enumerable.Range(0, 3).Average(i =>
            {
                var max = Enumerable.Range(0, 3).Max(j => s[(i * 3) + j] / (double)tau);
                var lse = max + Math.Log(Enumerable.Range(0, 3).Sum(j => Math.Exp((s[(i * 3) + j] / (double)tau) - max)));
                return lse - (s[(i * 3) + i] / (double)tau);
            });
            table.AddTextRow($"{tau}", $"{rows[0]:G5}", $"{rows[1]:G5}", $"{rows[2]:G5}", $"{mean:G6}", $"{byHand:G6}");
        }
        console.Ansi.Write(table);
        console.Note("A lower τ sharpens the softmax: row 0 (clear positive) goes to 0, row 2 (negative 0.4 near positive 0.5) dominates.");
    }

    private static void Triplet(HarnessConsole console)
    {
        console.Line();
        console.Line("triplet = max(0, ‖a − p‖ − ‖a − n‖ + margin)   (plain Euclidean distances, not squared)");
        float[] anchor = [0, 0];
        float[] positive = [0.3f, 0.4f];
        var table = Tables.Create("negative n", "‖a − p‖", "‖a − n‖", "margin", "Loss.Triplet", "by hand").RightAlign(1, 2, 3, 4, 5);
        foreach (var (negative, margin) in new (float[], float)[] { ([0.6f, 0.8f], 1f), ([1.2f, 0.5f], 1f), ([3f, 4f], 1f), ([0.3f, 0.4f], 0.2f) })
        {
            var dp = Math.Sqrt(Math.Pow(anchor[0] - positive[0], 2) + Math.Pow(anchor[1] - positive[1], 2));
            var dn = Math.Sqrt(Math.Pow(anchor[0] - negative[0], 2) + Math.Pow(anchor[1] - negative[1], 2));
            table.AddTextRow($"({negative[0]}, {negative[1]})", $"{dp:G4}", $"{dn:G4}", $"{margin}",
                $"{Loss.Triplet(anchor, positive, negative, margin):G6}", $"{Math.Max(0, dp - dn + margin):G6}");
        }
        console.Ansi.Write(table);
        console.Note("a = (0, 0), p = (0.3, 0.4): the loss is 0 once the negative is a margin farther than the positive.");
    }

    private static void Dpo(HarnessConsole console)
    {
        console.Line();
        console.Line("DPO = −log σ(β · ((π_c − r_c) − (π_r − r_r)))   (sequence log-probs of the chosen/rejected answer under policy π and reference r)");
        var table = Tables.Create("π_c", "π_r", "r_c", "r_r", "β", "β·margin", "Loss.Dpo", "by hand", "naive −log σ in float").RightAlign(0, 1, 2, 3, 4, 5, 6, 7, 8);
        foreach (var (pc, pr, rc, rr, beta) in new (float, float, float, float, float)[]
                 {
                     (-12, -15, -13, -14, 0.1f),  // policy prefers the chosen answer more than the reference does
                     (-13, -14, -13, -14, 0.1f),  // same as the reference: log 2
                     (-15, -12, -13, -14, 0.1f),  // policy moved the wrong way
                     (-200, -80, -100, -100, 1f), // far the wrong way: σ underflows in float
                 })
        {
            var z = beta * (((double)pc - rc) - ((double)pr - rr));
            var byHand = z > 0 ? Math.Log(1 + Math.Exp(-z)) : -z + Math.Log(1 + Math.Exp(z));
            var naive = -MathF.Log(1f / (1f + MathF.Exp(-(float)z)));
            table.AddTextRow($"{pc}", $"{pr}", $"{rc}", $"{rr}", $"{beta}", $"{z:G4}", $"{Loss.Dpo(pc, pr, rc, rr, beta):G6}", $"{byHand:G6}", $"{naive:G6}");
        }
        console.Ansi.Write(table);
    }

    private static void LabelSmoothing(HarnessConsole console)
    {
        console.Line();
        console.Line("label smoothing ε (PyTorch): target (1 − ε)·onehot + ε/V, so loss = (1 − ε)·(−log p_y) + ε · mean_j(−log p_j)");
        float[] logits = [3f, 1f, 0.2f, -1f];
        console.Line("  logits [3, 1, 0.2, −1], target 0, V = 4");
        var logp = new float[4];
        Probability.LogSoftmax(logits, logp);
        var table = Tables.Create("ε", "CrossEntropyOptions.LabelSmoothing", "by hand", "gradient of the mean (softmax − target dist.)").RightAlign(0, 1, 2);
        foreach (var epsilon in new[] { 0f, 0.1f, 0.2f })
        {
            var gradient = new float[4];
            var result = Loss.CrossEntropy(logits, 4, [0], new CrossEntropyOptions { LabelSmoothing = epsilon, Gradient = gradient });
            var byHand = ((1 - epsilon) * -(double)logp[0]) + (epsilon * logp.Average(v => -(double)v));
            table.AddTextRow($"{epsilon}", $"{result.Mean:G6}", $"{byHand:G6}", "[" + string.Join(", ", gradient.Select(g => g.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))) + "]");
        }
        console.Ansi.Write(table);
        console.Note("The gradient is softmax − ((1 − ε)·onehot + ε/V): with ε > 0 it vanishes at a finite logit margin, so the logits stop growing; the loss never reaches 0.");
    }

    private static void MaskedMean(HarnessConsole console)
    {
        console.Line();
        console.Line("masked mean = Σ loss·mask / Σ mask      padded mean = Σ loss / (rows × length)   (padding must not dilute the loss)");
        // Two sequences padded to 4 positions, V = 3: the targets of the padded positions are IgnoreIndex (-100).
        float[] logits =
        [
            2, 0, -1,   0, 1, 0,   -1, 0, 2,   0, 0, 0,
            1, 1, 0,    0, 0, 0,   0, 0, 0,    0, 0, 0,
        ];
        int[] targets = [0, 1, 2, -100, 1, -100, -100, -100];
        bool[] mask = targets.Select(t => t != -100).ToArray();
        var perToken = new float[targets.Length];
        var result = Loss.CrossEntropy(logits, 3, targets, new CrossEntropyOptions { PerTokenLoss = perToken });
        var table = Tables.Create("", "value", "what it divides by").RightAlign(1);
        table.AddTextRow("per-token loss", "[" + string.Join(", ", perToken.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))) + "]", "targets [0, 1, 2, −100 | 1, −100, −100, −100]");
        table.AddTextRow("CrossEntropyResult.Mean", $"{result.Mean:G6}", $"Count = {result.Count} counted tokens (Sum = {result.Sum:G6})");
        table.AddTextRow("Loss.MaskedMean(perToken, mask)", $"{Loss.MaskedMean(perToken, mask):G6}", $"{mask.Count(m => m)} mask entries set");
#pragma warning disable LMP003 // Deliberate: the wrong padded mean, shown next to the right one.
        table.AddTextRow("padded mean (wrong)", $"{perToken.Average():G6}", $"{perToken.Length} positions, padding included: {perToken.Length / (double)result.Count:G3}× too small");
#pragma warning restore LMP003
        console.Ansi.Write(table);
    }
}
