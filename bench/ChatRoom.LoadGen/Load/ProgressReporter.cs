using System.Diagnostics;
using System.Globalization;

namespace ChatRoom.LoadGen.Load;

/// <summary>One line a second while a run goes on: scenario, target, elapsed time, phase, joined clients, lines/s
/// received (announcements included) and deliveries/s of measured messages.</summary>
public sealed class ProgressReporter : IAsyncDisposable
{
    private readonly string _label;
    private readonly DeliveryLedger _ledger;
    private readonly Swarm _swarm;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reporting;
    private volatile string _phase = "starting";

    public ProgressReporter(string label, DeliveryLedger ledger, Swarm swarm)
    {
        _label = label;
        _ledger = ledger;
        _swarm = swarm;
        _reporting = ReportAsync();
    }

    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reporting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ReportAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var (lastLines, lastDelivered) = (_ledger.Lines, _ledger.Delivered);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            var (lines, delivered) = (_ledger.Lines, _ledger.Delivered);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{_label}] {Stopwatch.GetElapsedTime(_started).TotalSeconds,6:0.0}s  {_phase,-9} joined {_swarm.Joined,6:N0}/{_swarm.Count,-6:N0} {lines - lastLines,11:N0} lines/s {delivered - lastDelivered,11:N0} deliveries/s"));
            (lastLines, lastDelivered) = (lines, delivered);
        }
    }
}
