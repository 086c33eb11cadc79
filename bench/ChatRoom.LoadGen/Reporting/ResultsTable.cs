using System.Globalization;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>The results as a console table, then the ChatRoom ÷ ncat ratios.</summary>
public static class ResultsTable
{
    private const double MiB = 1024 * 1024;

    public static void Write(TextWriter output, IReadOnlyList<RunResult> runs, IReadOnlyList<Comparison> comparisons)
    {
        output.WriteLine();
        output.WriteLine(Row("scn", "target", "clients", "load", "status", "deliv/s", "ratio", "p50 ms", "p90 ms", "p99 ms",
            "p99.9 ms", "max ms", "srv cpu%", "sys%", "cpu s/M", "rss MiB", "KiB/idle", "gen cpu%", "other%"));
        foreach (var run in runs)
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
            if (run.Error is not null)
            {
                output.WriteLine($"      {run.Error}");
            }
        }

        if (comparisons.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("ChatRoom / ncat   throughput   cpu s/M      p99");
        foreach (var comparison in comparisons)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{comparison.Scenario,-16} {Ratio(comparison.Throughput),11} {Ratio(comparison.CpuPerMillionDeliveries),9} {Ratio(comparison.P99),8}"));
        }
    }

    private static string Row(params string[] cells)
    {
        int[] widths = [3, 8, 7, 9, 6, 10, 7, 7, 7, 7, 8, 8, 8, 4, 7, 7, 8, 8, 6];
        return string.Join(' ', cells.Select((cell, i) => i < 2 || i == 3 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])));
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Ratio(double? value) => value is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
}
