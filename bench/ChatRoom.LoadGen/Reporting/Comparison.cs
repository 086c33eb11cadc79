namespace ChatRoom.LoadGen.Reporting;

/// <summary>ChatRoom ÷ ncat for one scenario where both delivered; null where either run lacks the figure.</summary>
public sealed record Comparison(string Scenario, double? Throughput, double? CpuPerMillionDeliveries, double? P99)
{
    public static IReadOnlyList<Comparison> Of(IReadOnlyList<RunResult> runs) =>
    [
        .. runs.GroupBy(run => run.Scenario)
            .Select(group => (ChatRoom: group.FirstOrDefault(r => r.Target == "chatroom"), Ncat: group.FirstOrDefault(r => r.Target == "ncat")))
            .Where(pair => pair.ChatRoom is not null && pair.Ncat is not null)
            .Select(pair => new Comparison(
                pair.ChatRoom!.Scenario,
                Ratio(pair.ChatRoom.DeliveriesPerSecond, pair.Ncat!.DeliveriesPerSecond),
                Ratio(pair.ChatRoom.ServerCpuSecondsPerMillionDeliveries, pair.Ncat.ServerCpuSecondsPerMillionDeliveries),
                Ratio(pair.ChatRoom.Latency?.P99, pair.Ncat.Latency?.P99)))
            .Where(comparison => comparison.Throughput is not null),
    ];

    private static double? Ratio(double? chatRoom, double? ncat) => chatRoom is { } a && ncat is > 0 and var b ? a / b : null;
}
