namespace LmProb.Analyzers.Tests.Infrastructure;

/// <summary>
/// A source stand-in for the parts of LmProb's decoding API (API.md: <c>Decoding</c>,
/// <c>Hypothesis</c>) that LMP011 and LMP012 recognize, added as a second file of a test
/// compilation. The runtime this branch builds on does not have them yet; once it does, the
/// source type still wins (<c>Compilation.GetTypeByMetadataName</c> prefers the compilation's own
/// types, and CS0436 is only a warning), so the tests keep working either way.
/// </summary>
internal static class DecodingApiStub
{
    public const string FileName = "DecodingApiStub.cs";

    public const string Source = """
        namespace LmProb
        {
            public static class Decoding
            {
                public static int TopK(System.ReadOnlySpan<float> values, System.Span<int> indices, System.Span<float> topValues) => indices.Length;
                public static int TopP(System.ReadOnlySpan<float> probabilities, float p, System.Span<int> indices) => 1;
                public static void FilterTopK(System.ReadOnlySpan<float> probabilities, int k, System.Span<float> destination) { }
                public static void FilterTopP(System.ReadOnlySpan<float> probabilities, float p, System.Span<float> destination) { }
                public static int Greedy(System.ReadOnlySpan<float> logits) => 0;
            }

            public sealed record Hypothesis(System.Collections.Generic.IReadOnlyList<int> Tokens, double LogProbability, double Score);
        }
        """;
}
