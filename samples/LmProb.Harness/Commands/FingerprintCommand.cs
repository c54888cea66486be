using System.CommandLine;

namespace LmProb.Harness.Commands;

/// <summary>
/// <c>fingerprint</c>: the exact bits of a fixed set of results (<see cref="Fingerprint"/>). CI runs it
/// on every SIMD path and diffs the output, so its format must not change.
/// </summary>
internal static class FingerprintCommand
{
    public static Command Create()
    {
        var command = new Command("fingerprint", "Print the exact bits of a fixed set of results, for comparing SIMD paths (CI diffs this output).");
        command.SetAction(_ => Fingerprint.Print());
        return command;
    }
}
