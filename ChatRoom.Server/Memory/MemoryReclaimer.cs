using System.Diagnostics;
using System.Runtime;
using ChatRoom.Server.Connections;
using ChatRoom.Server.Options;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Memory;

/// <summary>
/// Gives memory back once a burst is over. Every second it trims the connections' buffer pools
/// (<see cref="PageBlockPool.Trim"/>). After a wave of connections has come or gone (see
/// <see cref="ChatOptions.ReclaimMemoryAfterChange"/>) it collects: a join storm or a mass departure leaves tens of MiB
/// of garbage and committed-but-free heap behind, and a quiet server allocates too little to ever trigger the
/// collection that would return it; one aggressive collection, once the count has settled, does.
/// </summary>
public sealed class MemoryReclaimer(
    ConnectionAdmission admission,
    PageBlockPoolFactory bufferPools,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<MemoryReclaimer> logger) : BackgroundService
{
    /// <summary>A look costs two counter reads; looking often gives memory back within seconds of a wave settling.</summary>
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private int _highestAtLastCollection;
    private int _openAtLastCollection;

    /// <summary>The most connections open at once between the collection before the last one and the last one.</summary>
    /// <remarks>Read <see cref="OpenAtLastCollection"/> first: it is written last.</remarks>
    public int HighestAtLastCollection => Volatile.Read(ref _highestAtLastCollection);

    /// <summary>The connections open when the last collection ran (0 before the first).</summary>
    public int OpenAtLastCollection => Volatile.Read(ref _openAtLastCollection);

    /// <summary>
    /// Whether to collect now: since the last collection (when <paramref name="baseline"/> were open) at least
    /// <paramref name="minimumChange"/> more are open, or at least that many closed since the most there were
    /// (<paramref name="highest"/>), and the count has settled: it moved by less than a tenth of that since the
    /// previous look (<paramref name="previous"/>).
    /// </summary>
    public static bool WaveHasSettled(int baseline, int highest, int previous, int open, int minimumChange) =>
        minimumChange > 0
        && (open - baseline >= minimumChange || highest - open >= minimumChange)
        && Math.Abs(open - previous) < Math.Max(1, minimumChange / 10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var baseline = admission.Open;
        var (highest, previous) = (baseline, baseline);
        using var timer = new PeriodicTimer(CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            bufferPools.Trim();
            highest = Math.Max(highest, admission.TakePeak());
            var open = admission.Open;
            if (WaveHasSettled(baseline, highest, previous, open, options.Value.ReclaimMemoryAfterChange))
            {
                Reclaim(baseline, highest, open);
                baseline = highest = open;
            }

            previous = open;
        }
    }

    private void Reclaim(int baseline, int highest, int open)
    {
        var rssBefore = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        // Aggressive: compact, and decommit the free regions instead of keeping them for the next allocations.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = Stopwatch.GetElapsedTime(started);
        Volatile.Write(ref _highestAtLastCollection, highest);
        Volatile.Write(ref _openAtLastCollection, open);
        ServerLog.MemoryReclaimed(logger, baseline, highest, open, pause.TotalMilliseconds, rssBefore / 1048576.0, Environment.WorkingSet / 1048576.0);
    }
}
