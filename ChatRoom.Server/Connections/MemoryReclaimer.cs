using System.Diagnostics;
using System.Runtime;
using ChatRoom.Server.Options;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// Gives memory back after a wave of connections has gone (see <see cref="ChatOptions.ReclaimMemoryAfterDrop"/>).
/// A storm leaves tens of MiB of garbage and committed-but-free heap behind, and a quiet server allocates too little
/// to ever trigger the collection that would return it; one aggressive collection then does.
/// </summary>
public sealed class MemoryReclaimer(
    ConnectionAdmission admission,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<MemoryReclaimer> logger) : BackgroundService
{
    /// <summary>Kestrel's memory pool evicts on the same period.</summary>
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>A wave has gone when at least <paramref name="minimumDrop"/> connections closed and at most half are left.</summary>
    public static bool WaveHasGone(int peak, int open, int minimumDrop) =>
        minimumDrop > 0 && peak - open >= minimumDrop && open <= peak / 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var peak = admission.TakePeak();
            var open = admission.Open;
            if (WaveHasGone(peak, open, options.Value.ReclaimMemoryAfterDrop))
            {
                Reclaim(peak, open);
            }
        }
    }

    private void Reclaim(int peak, int open)
    {
        var rssBefore = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        // Aggressive: compact, and decommit the free regions instead of keeping them for the next allocations.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = Stopwatch.GetElapsedTime(started);
        ServerLog.MemoryReclaimed(logger, peak, open, pause.TotalMilliseconds, rssBefore / 1048576.0, Environment.WorkingSet / 1048576.0);
    }
}
