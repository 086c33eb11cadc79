using ChatRoom.LoadGen.Measurement;
using ChatRoom.LoadGen.Reporting;
using ChatRoom.LoadGen.Scenarios;

namespace ChatRoom.LoadGen.Tests;

/// <summary>The ratios printed at the end: ChatRoom divided by each peer that ran the same scenario.</summary>
public sealed class ComparisonTests
{
    private static readonly Scenario A = Scenario.All[0];
    private static readonly Scenario C = Scenario.All[2];

    [Fact]
    public void EachPeerGetsItsOwnRatiosPerScenario()
    {
        var comparisons = Comparison.Of(
        [
            Run(A, "chatroom", 20_000, 8.0, 2.0),
            Run(A, "ncat", 19_800, 6.4, 32.0),
            Run(A, "ngircd", 19_800, 5.0, 40.0),
            Run(C, "chatroom", 3_000_000, 0.35, 5.0),
            Run(C, "ngircd", 300_000, 0.5, 50.0),
        ]);

        Assert.Equal(
            [("a", "ncat"), ("a", "ngircd"), ("c", "ngircd")],
            comparisons.Select(c => (c.Scenario, c.Peer)));
        var cNgircd = comparisons[2];
        Assert.Equal(10.0, cNgircd.Throughput!.Value, precision: 6);
        Assert.Equal(0.7, cNgircd.CpuPerMillionDeliveries!.Value, precision: 6);
        Assert.Equal(0.1, cNgircd.P99!.Value, precision: 6);
        Assert.Equal(1.25, comparisons[0].CpuPerMillionDeliveries!.Value, precision: 6);
    }

    [Fact]
    public void NoRatioWhereChatRoomOrThePeerHasNoFigure()
    {
        var failed = new RunResult(C, "ncat") { Error = "ncat exited with code 134" };

        Assert.Empty(Comparison.Of([Run(A, "ncat", 19_800, 6.4, 32.0), Run(C, "chatroom", 3_000_000, 0.35, 5.0), failed]));
    }

    private static RunResult Run(Scenario scenario, string target, double deliveriesPerSecond, double cpuPerMillion, double p99) =>
        new(scenario, target)
        {
            DeliveriesPerSecond = deliveriesPerSecond,
            ServerCpuSecondsPerMillionDeliveries = cpuPerMillion,
            Latency = new LatencySummary(p99 / 2, p99 / 1.5, p99, p99 * 1.2, p99 * 1.5, 1000),
        };
}
