using System.CommandLine;
using ChatRoom.LoadGen.Hosting;

// The fan-out load generator: starts ChatRoom, `ncat --chat` or ngIRCd, drives scenarios a–e against them and reports
// throughput, delivery ratio, latency percentiles, server CPU and memory. See docs/benchmarking.md and `--help`.
// Ctrl+C cancels the run: every server it started is killed before it exits.
return await LoadGenCommandLine.Create()
    .Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
