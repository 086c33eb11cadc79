using ChatRoom.LoadGen.Measurement;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// What was owed and what arrived. Senders report what they send; every receive loop reports every line. Counts are
/// plain interlocked counters and one shared histogram: on two cores the generator must stay cheap.
/// </summary>
/// <param name="recipientsPerMessage">Deliveries one message owes.</param>
/// <param name="observer">The connection whose receipts free a sender's in-flight slot.</param>
/// <param name="inFlight">The saturation window, or null for paced and idle runs.</param>
public sealed class DeliveryLedger(int recipientsPerMessage, int observer, InFlightLimiter? inFlight)
{
    private readonly LatencyHistogram _latency = new();
    private MeasurementWindow? _window;
    private SyncBarrier? _barrier;
    private long _lines;
    private long _delivered;
    private long _deliveredDuringWindow;
    private long _sentInWindow;
    private long _deliveredOfWindow;
    private int _closed;
    private long _lastClosed;
    private LineTap? _tap;

    /// <summary>Sees every line as it arrives (valid only during the call); for the abuse campaigns.</summary>
    public delegate void LineTap(int receiver, ReadOnlySpan<byte> line);

    /// <summary>Every line received so far, announcements included: the progress line's view of a join storm.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Every delivery so far, window or not: the progress line's rate.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Deliveries that arrived while the window was open, whenever sent: the throughput.</summary>
    public long DeliveredDuringWindow => Interlocked.Read(ref _deliveredDuringWindow);

    /// <summary>Messages sent while the window was open.</summary>
    public long SentInWindow => Interlocked.Read(ref _sentInWindow);

    public long Owed => SentInWindow * recipientsPerMessage;

    /// <summary>Deliveries of messages sent while the window was open, whenever they arrived: the delivery ratio.</summary>
    public long DeliveredOfWindow => Interlocked.Read(ref _deliveredOfWindow);

    /// <summary>Connections whose receive loop has ended.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>When the last receive loop ended (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), 0 before any.</summary>
    public long LastClosedTimestamp => Interlocked.Read(ref _lastClosed);

    /// <summary>Latency of every delivery of a message sent while the window was open.</summary>
    public LatencyHistogram Latency => _latency;

    /// <summary>Fixes the window; call before any sender starts.</summary>
    public void Open(MeasurementWindow window) => Volatile.Write(ref _window, window);

    /// <summary>Routes barrier lines to <paramref name="barrier"/> from now on.</summary>
    public void WaitFor(SyncBarrier barrier) => Volatile.Write(ref _barrier, barrier);

    /// <summary>Hands every line from now on to <paramref name="tap"/> as well; null stops it.</summary>
    public void Tap(LineTap? tap) => Volatile.Write(ref _tap, tap);

    public void MessageSent(long timestamp)
    {
        if (Volatile.Read(ref _window)?.Contains(timestamp) == true)
        {
            Interlocked.Increment(ref _sentInWindow);
        }
    }

    public void OnLine(LoadConnection receiver, ReadOnlySpan<byte> line, long arrival)
    {
        Interlocked.Increment(ref _lines);
        Volatile.Read(ref _tap)?.Invoke(receiver.Index, line);
        switch (Payload.Parse(line, out var sender, out var sent))
        {
            case Payload.Kind.Message:
                Record(receiver.Index, sender, sent, arrival);
                break;
            case Payload.Kind.Barrier:
                Volatile.Read(ref _barrier)?.Arrived(receiver.Index);
                break;
        }
    }

    public void ConnectionClosed()
    {
        Interlocked.Exchange(ref _lastClosed, System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _closed);
    }

    private void Record(int receiver, int sender, long sent, long arrival)
    {
        Interlocked.Increment(ref _delivered);
        var window = Volatile.Read(ref _window);
        if (window is not null)
        {
            if (window.Contains(arrival))
            {
                Interlocked.Increment(ref _deliveredDuringWindow);
            }

            if (window.Contains(sent))
            {
                Interlocked.Increment(ref _deliveredOfWindow);
                _latency.Record(arrival - sent);
            }
        }

        if (receiver == observer)
        {
            inFlight?.Release(sender);
        }
    }
}
