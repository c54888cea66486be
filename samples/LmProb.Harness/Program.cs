// The LmProb harness: the numbers a newcomer should see first, then a tour of the product.
// Run: dotnet run -c Release --project samples/LmProb.Harness [-- <command>]; `-- --help` lists the
// commands. `fingerprint` prints the exact bits of a fixed set of results, for comparing SIMD paths.
using System.Globalization;
using LmProb.Harness;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return HarnessApp.Run(args, HarnessConsole.CreateSystem());
