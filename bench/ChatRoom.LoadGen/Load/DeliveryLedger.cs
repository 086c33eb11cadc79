using ChatRoom.LoadGen.Measurement;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// What was owed and what arrived. Senders report what they send; every receive loop reports every line. Each thread
/// counts into its own <see cref="Tally"/>, summed when read: at two million lines a second, counters shared by both
/// cores (interlocked, one cache line bouncing between them) took a third of the generator's CPU, which the server
/// it shares the machine with then lacked.
/// </summary>
/// <param name="recipientsPerMessage">Deliveries one message owes.</param>
/// <param name="observer">The connection whose receipts free a sender's in-flight slot.</param>
/// <param name="inFlight">The saturation window, or null for paced and idle runs.</param>
/// <param name="servers">Servers the connections are spread over (connection <c>i</c> on server <c>i mod servers</c>).</param>
/// <param name="connections">Connections in the run: each keeps a digest of the order its window's messages came in.</param>
public sealed class DeliveryLedger(int recipientsPerMessage, int observer, InFlightLimiter? inFlight, int servers = 1, int connections = 0) : IDisposable
{
    private readonly ThreadLocal<Tally> _tallies = new(static () => new Tally(), trackAllValues: true);

    // One receive loop writes each connection's entry: the order of the window's messages as that connection saw them.
    private readonly OrderDigest[] _orders = new OrderDigest[connections];
    private MeasurementWindow? _window;
    private SyncBarrier? _barrier;
    private long _sentInWindow;
    private int _closed;
    private long _lastClosed;
    private LineTap? _tap;

    /// <summary>Sees every line as it arrives (valid only during the call); for the abuse campaigns.</summary>
    public delegate void LineTap(int receiver, ReadOnlySpan<byte> line);

    /// <summary>Every line received so far, announcements included: the progress line's view of a join storm.</summary>
    public long Lines => Sum(static tally => ref tally.Lines);

    /// <summary>Every delivery so far, window or not: the progress line's rate.</summary>
    public long Delivered => Sum(static tally => ref tally.Delivered);

    /// <summary>Deliveries that arrived while the window was open, whenever sent: the throughput.</summary>
    public long DeliveredDuringWindow => Sum(static tally => ref tally.DeliveredDuringWindow);

    /// <summary>Messages sent while the window was open.</summary>
    public long SentInWindow => Interlocked.Read(ref _sentInWindow);

    public long Owed => SentInWindow * recipientsPerMessage;

    /// <summary>Deliveries of messages sent while the window was open, whenever they arrived: the delivery ratio.</summary>
    public long DeliveredOfWindow => Sum(static tally => ref tally.DeliveredOfWindow);

    /// <summary>Connections whose receive loop has ended.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>When the last receive loop ended (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), 0 before any.</summary>
    public long LastClosedTimestamp => Interlocked.Read(ref _lastClosed);

    /// <summary>Latency of every delivery of a message sent while the window was open; read once recording is over.</summary>
    public LatencyHistogram Latency()
    {
        var merged = new LatencyHistogram();
        foreach (var tally in _tallies.Values)
        {
            merged.Add(tally.Latency);
        }

        return merged;
    }

    /// <summary>Latency of the window's deliveries whose receiver is on another server than the sender.</summary>
    public LatencyHistogram CrossServerLatency()
    {
        var merged = new LatencyHistogram();
        foreach (var tally in _tallies.Values)
        {
            merged.Add(tally.CrossServerLatency);
        }

        return merged;
    }

    /// <summary>
    /// Whether every connection received the window's messages in one and the same order (all of them: a connection
    /// that lost one has another digest). Read once the deliveries are in.
    /// </summary>
    public bool SameOrderEverywhere() => _orders.Length == 0 || _orders.All(order => order == _orders[0]);

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
        var tally = _tallies.Value!;
        tally.Lines++;
        Volatile.Read(ref _tap)?.Invoke(receiver.Index, line);
        switch (Payload.Parse(line, out var sender, out var sent))
        {
            case Payload.Kind.Message:
                Record(tally, receiver.Index, sender, sent, arrival);
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

    /// <summary>Dispose once the receive loops have ended (the swarm waits for them as it closes).</summary>
    public void Dispose() => _tallies.Dispose();

    private void Record(Tally tally, int receiver, int sender, long sent, long arrival)
    {
        tally.Delivered++;
        var window = Volatile.Read(ref _window);
        if (window is not null)
        {
            if (window.Contains(arrival))
            {
                tally.DeliveredDuringWindow++;
            }

            if (window.Contains(sent))
            {
                tally.DeliveredOfWindow++;
                tally.Latency.Record(arrival - sent);
                if (servers > 1 && sender % servers != receiver % servers)
                {
                    tally.CrossServerLatency.Record(arrival - sent);
                }

                if (receiver < _orders.Length)
                {
                    _orders[receiver] = _orders[receiver].Add(sender, sent);
                }
            }
        }

        if (receiver == observer)
        {
            inFlight?.Release(sender);
        }
    }

    private long Sum(TallyField field)
    {
        long sum = 0;
        foreach (var tally in _tallies.Values)
        {
            sum += Volatile.Read(ref field(tally));
        }

        return sum;
    }

    private delegate ref long TallyField(Tally tally);

    /// <summary>
    /// One thread's counts. Only that thread writes them (a receive loop's step runs on one thread at a time), so
    /// plain increments do; other threads read them with <see cref="Volatile.Read(ref long)"/>, whole on 64-bit.
    /// </summary>
    private sealed class Tally
    {
        public long Lines;
        public long Delivered;
        public long DeliveredDuringWindow;
        public long DeliveredOfWindow;
        public readonly LatencyHistogram Latency = new();
        public readonly LatencyHistogram CrossServerLatency = new();
    }

    /// <summary>An order-sensitive digest (FNV-1a over sender and send time) of the messages one connection received, and how many.</summary>
    private readonly record struct OrderDigest(ulong Hash, long Count)
    {
        private const ulong Prime = 1099511628211;

        public OrderDigest Add(int sender, long sent) =>
            new((((Count == 0 ? 14695981039346656037 : Hash) ^ (ulong)sender) * Prime ^ (ulong)sent) * Prime, Count + 1);
    }
}
