namespace ChatRoom.LoadGen.Reporting;

/// <summary>
/// ChatRoom ÷ one peer (ncat, ngircd) for one scenario where both delivered; null where either run lacks the figure.
/// </summary>
public sealed record Comparison(string Scenario, string Peer, double? Throughput, double? CpuPerMillionDeliveries, double? P99)
{
    private const string ChatRoom = "chatroom";

    public static IReadOnlyList<Comparison> Of(IReadOnlyList<RunResult> runs) =>
    [
        .. runs.GroupBy(run => run.Scenario)
            .SelectMany(group => group.FirstOrDefault(r => r.Target == ChatRoom) is not { } chatRoom
                ? []
                : group.Where(r => r.Target != ChatRoom).Select(peer => new Comparison(
                    chatRoom.Scenario,
                    peer.Target,
                    Ratio(chatRoom.DeliveriesPerSecond, peer.DeliveriesPerSecond),
                    Ratio(chatRoom.ServerCpuSecondsPerMillionDeliveries, peer.ServerCpuSecondsPerMillionDeliveries),
                    Ratio(chatRoom.Latency?.P99, peer.Latency?.P99))))
            .Where(comparison => comparison.Throughput is not null),
    ];

    private static double? Ratio(double? chatRoom, double? peer) => chatRoom is { } a && peer is > 0 and var b ? a / b : null;
}
