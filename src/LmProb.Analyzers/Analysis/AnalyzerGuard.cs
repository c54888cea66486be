using System;

namespace LmProb.Analyzers.Analysis;

/// <summary>
/// Runs a rule's callback so that a bug in the rule never reaches the user as AD0001 (which
/// disables the whole analyzer for the compilation): an unexpected exception just means this
/// member is not analyzed. The tests turn the switch <see cref="RethrowSwitch"/> on so that the
/// same exception fails them instead.
/// </summary>
internal static class AnalyzerGuard
{
    /// <summary>The <see cref="AppContext"/> switch that makes the guard rethrow (tests only).</summary>
    public const string RethrowSwitch = "LmProb.Analyzers.RethrowAnalyzerExceptions";

    /// <summary>Runs <paramref name="analyze"/> for one callback of any kind (operation block, operation, symbol...).</summary>
    public static void Run<TContext>(TContext context, WellKnownSymbols symbols, Action<TContext, WellKnownSymbols> analyze)
    {
        try
        {
            analyze(context, symbols);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception) when (!Rethrow())
        {
            // Deliberately swallowed: see the class comment.
        }
    }

    private static bool Rethrow() => AppContext.TryGetSwitch(RethrowSwitch, out var enabled) && enabled;
}
