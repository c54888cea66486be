using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.SoftmaxOverWrongAxisAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.SoftmaxOverWrongAxisAnalyzer, LmProb.CodeFixes.Rules.SoftmaxOverWrongAxisFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class SoftmaxOverWrongAxisTests
{
    // ---- fires

    [Fact]
    public Task FunctionalSoftmaxOverTheBatchAxisOfACreatedTensor() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor Probabilities(long B, long T, long V)
            {
                var logits = torch.randn(B, T, V);
                return torch.nn.functional.softmax(logits, {|LMP005:0|});
            }
        }
        """);

    [Fact]
    public Task LogSoftmaxOverTheTimeAxisWithAShapeArray() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor LogProbabilities(long B, long T, long V)
            {
                var logits = torch.zeros(new long[] { B, T, V });
                var scaled = logits / 0.7;
                return scaled.log_softmax({|LMP005:dim: 1|});
            }
        }
        """);

    [Fact]
    public Task NegativeDimThatIsNotTheLastAxisAfterAView() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor M(Tensor flat, int B, int T, int V)
            {
                // view makes the rank visible even though flat is a parameter.
                var logits = flat.view(B, T, V);
                return nn.functional.log_softmax(logits, {|LMP005:-2|});
            }
        }
        """);

    [Fact]
    public Task StaticAndSpecialSoftmaxOnInlineAndUnsqueezedCreations() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            const int Batch = 0;

            static void M(long T, long V)
            {
                var a = torch.softmax(torch.empty(4, 32000), {|LMP005:Batch|});
                var row = torch.rand(T, V).unsqueeze(0);
                var b = special.softmax(row, {|LMP005:1|});
                var c = row.cuda().softmax({|LMP005:0|});
                var d = torch.zeros([2, T, V]).log_softmax({|LMP005:0|});
                var e = torch.tensor(new float[2, 3, 5]).softmax({|LMP005:1|});
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task LastAxisAsMinusOneOrWrittenOut() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static void M(long B, long T, long V)
            {
                var logits = torch.randn(B, T, V);
                var p = logits.softmax(-1);
                var q = nn.functional.log_softmax(logits, 2);
                var r = torch.softmax(logits.view(-1, V), 1);
            }
        }
        """);

    [Fact]
    public Task AVectorHasOnlyOneAxis() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor M(long V) => nn.functional.softmax(torch.randn(V), 0);
        }
        """);

    [Fact]
    public Task UnknownRankIsNotGuessed() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            // A parameter or a model's output: the shape is decided elsewhere.
            static Tensor A(Tensor logits) => logits.softmax(0);
            static Tensor B(nn.Module<Tensor, Tensor> model, Tensor ids) => model.call(ids).log_softmax(1);
        }
        """);

    [Fact]
    public Task AxesMovedOrDimNotConstantOrRanksDisagree() => Verify.VerifyNoDiagnosticAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static void M(long B, long T, long V, long dim, bool flat)
            {
                // [B, V, T] on purpose, the vocabulary is axis 1 here.
                var transposed = torch.randn(B, T, V).transpose(1, 2).softmax(1);

                var x = torch.randn(B, T, V);
                var byVariable = x.softmax(dim);

                var y = flat ? torch.randn(T, V) : torch.randn(B, T, V);
                var either = y.softmax(1);
            }
        }
        """);

    // ---- fix

    [Fact]
    public Task FixUsesMinusOneKeepingTheArgumentName() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static void M(long B, long T, long V)
            {
                var logits = torch.randn(B, T, V);
                var p = nn.functional.softmax(logits, {|LMP005:0|});
                var lp = logits.log_softmax({|LMP005:dim: 1|});
            }
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static void M(long B, long T, long V)
            {
                var logits = torch.randn(B, T, V);
                var p = nn.functional.softmax(logits, -1);
                var lp = logits.log_softmax(dim: -1);
            }
        }
        """);

    [Fact]
    public Task FixReplacesNegativeAndNamedConstantAxes() => VerifyFix.VerifyFixAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            const int TimeAxis = 1;

            static Tensor M(Tensor flat, int B, int T, int V)
            {
                var logits = flat.view(B, T, V);
                return nn.functional.log_softmax(logits, {|LMP005:-2|}) + logits.softmax({|LMP005:TimeAxis|});
            }
        }
        """, """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            const int TimeAxis = 1;

            static Tensor M(Tensor flat, int B, int T, int V)
            {
                var logits = flat.view(B, T, V);
                return nn.functional.log_softmax(logits, -1) + logits.softmax(-1);
            }
        }
        """);
}
