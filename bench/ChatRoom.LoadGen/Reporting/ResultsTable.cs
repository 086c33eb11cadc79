using System.Globalization;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>The results as a console table, then the ChatRoom ÷ ncat ratios.</summary>
public static class ResultsTable
{
    private const double MiB = 1024 * 1024;

    public static void Write(TextWriter output, IReadOnlyList<RunResult> runs, IReadOnlyList<Comparison> comparisons)
    {
        if (runs.All(run => run.IsCampaign))
        {
            WriteCampaigns(output, runs);
            WriteComparisons(output, comparisons);
            return;
        }

        output.WriteLine();
        output.WriteLine(Row("scn", "target", "clients", "load", "status", "deliv/s", "ratio", "p50 ms", "p90 ms", "p99 ms",
            "p99.9 ms", "max ms", "srv cpu%", "sys%", "cpu s/M", "rss MiB", "KiB/idle", "gen cpu%", "other%"));
        foreach (var run in runs.Where(run => !run.IsCampaign))
        {
            output.WriteLine(Row(
                run.Scenario,
                run.Target,
                run.Clients.ToString("N0", CultureInfo.InvariantCulture),
                run.Load,
                run.Status.ToUpperInvariant(),
                Number(run.DeliveriesPerSecond, "N0"),
                Number(run.DeliveryRatio, "0.0000"),
                Number(run.Latency?.P50, "0.00"),
                Number(run.Latency?.P90, "0.00"),
                Number(run.Latency?.P99, "0.00"),
                Number(run.Latency?.P999, "0.00"),
                Number(run.Latency?.Max, "0.00"),
                Number(run.ServerCpuPercent, "0"),
                Number(run.ServerSystemCpuShare, "0"),
                Number(run.ServerCpuSecondsPerMillionDeliveries, "0.00"),
                Number(run.ServerRssBytes / MiB, "0"),
                Number(run.RssPerIdleConnectionBytes / 1024, "0.0"),
                Number(run.GeneratorCpuPercent, "0"),
                Number(run.OtherCpuPercent, "0")));
            if (run.Fleet is { } fleet)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"      {fleet.Servers} servers, cpu% each {string.Join(" / ", fleet.ServerCpuPercent.Select(cpu => cpu.ToString("0", CultureInfo.InvariantCulture)))}; " +
                    $"redis cpu% {fleet.RedisCpuPercent:0.0} ({Number(fleet.RedisCpuSecondsPerMillionDeliveries, "0.00")} s/M); " +
                    $"cross-server p50/p99/max ms {Number(fleet.CrossServerLatency?.P50, "0.00")}/{Number(fleet.CrossServerLatency?.P99, "0.00")}/{Number(fleet.CrossServerLatency?.Max, "0.00")}; " +
                    $"same order at every client: {(fleet.SameOrderAtEveryClient ? "yes" : "NO")}"));
            }

            if (run.Error is not null)
            {
                output.WriteLine($"      {run.Error}");
            }
        }

        WriteCampaigns(output, runs);
        WriteComparisons(output, comparisons);
    }

    private static void WriteComparisons(TextWriter output, IReadOnlyList<Comparison> comparisons)
    {
        if (comparisons.Count == 0)
        {
            return;
        }

        foreach (var peer in comparisons.GroupBy(comparison => comparison.Peer))
        {
            output.WriteLine();
            output.WriteLine($"{"ChatRoom / " + peer.Key,-16}  throughput   cpu s/M      p99");
            foreach (var comparison in peer)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{comparison.Scenario,-16} {Ratio(comparison.Throughput),11} {Ratio(comparison.CpuPerMillionDeliveries),9} {Ratio(comparison.P99),8}"));
            }
        }
    }

    /// <summary>The abuse campaigns, one line each: their figures do not fit the load table's columns.</summary>
    private static void WriteCampaigns(TextWriter output, IReadOnlyList<RunResult> runs)
    {
        var campaigns = runs.Where(run => run.IsCampaign).ToList();
        if (campaigns.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("campaign  target   status  figures");
        foreach (var run in campaigns)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.Scenario,-9} {run.Target,-8} {run.Status.ToUpperInvariant(),-7} {Figures(run)}"));
            if (run.Error is not null)
            {
                output.WriteLine($"      {run.Error}");
            }
        }
    }

    private static string Figures(RunResult run) => run switch
    {
        { NotApplicable: { } reason } => reason,
        { Storm: { } storm } => string.Create(CultureInfo.InvariantCulture,
            $"RSS MiB: baseline {storm.BaselineRssMiB:0.0}; after rounds of {storm.ConnectionsPerRound:N0} {string.Join(", ", storm.RoundRssMiB.Select(rss => rss.ToString("0.0", CultureInfo.InvariantCulture)))}; " +
            $"{storm.FinalSettleSeconds:0} s later {storm.FinalRssMiB:0.0}; /who lists {Number(storm.WhoCount, "0")} ({(storm.WhoListsOnlyThoseWhoStayed ? "observer and primers only" : "NOT only observer and primers")})"),
        { Shutdown: { } shutdown } => string.Create(CultureInfo.InvariantCulture,
            $"{shutdown.Clients:N0} clients: exit code {Number(shutdown.ExitCode, "0")} after {Number(shutdown.ExitSeconds, "0.000")} s; {shutdown.Closed:N0} closed after {Number(shutdown.AllClosedSeconds, "0.000")} s; {shutdown.GotShutdownLineLast:N0} got 'Server is shutting down.' last"),
        { Flood: { } flood } => string.Create(CultureInfo.InvariantCulture,
            $"{flood.LinesWritten:N0} written, {flood.LinesBroadcast:N0} broadcast, disconnected after {Number(flood.DisconnectSeconds, "0.00")} s ({Number(flood.BroadcastLinesPerSecond, "0.0")} lines/s); last: {flood.LastError ?? "-"}"),
        _ => "-",
    };

    private static string Row(params string[] cells)
    {
        int[] widths = [3, 8, 7, 9, 6, 10, 7, 7, 7, 7, 8, 8, 8, 4, 7, 7, 8, 8, 6];
        return string.Join(' ', cells.Select((cell, i) => i < 2 || i == 3 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])));
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Ratio(double? value) => value is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
}
