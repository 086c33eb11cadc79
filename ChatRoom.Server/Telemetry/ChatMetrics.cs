using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatRoom.Server.Telemetry;

/// <summary>
/// The server's instruments, on the meter <c>ChatRoom.Server</c>. Names follow the OpenTelemetry
/// conventions (see docs/observability.md). Recording is cheap when nobody listens: every instrument
/// checks <c>Enabled</c> first.
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "ChatRoom.Server";

    // Fine enough for tens of microseconds, wide enough for a congested second.
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly IReadOnlyList<long> RecipientBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _users;
    private readonly Counter<long> _received;
    private readonly Counter<long> _delivered;
    private readonly Histogram<double> _broadcastDuration;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Histogram<long> _recipients;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _nickRefusals;

    public ChatMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("chatroom.connection.count", "{connection}",
            "TCP connections open on the chat port, handshaking ones included.");
        _users = meter.CreateUpDownCounter<long>("chatroom.user.count", "{user}",
            "Clients that have chosen a nickname and are in the room.");
        _received = meter.CreateCounter<long>("chatroom.messages.received", "{message}",
            "Lines said to the room (messages and actions) that the server accepted.");
        _delivered = meter.CreateCounter<long>("chatroom.messages.delivered", "{message}",
            "Room events queued to a recipient: one per recipient per broadcast.");
        _broadcastDuration = meter.CreateHistogram("chatroom.broadcast.duration", "s",
            "From a complete line being read to its bytes being queued for every recipient.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _deliveryDuration = meter.CreateHistogram("chatroom.delivery.duration", "s",
            "From a complete line being read to its bytes being flushed to a recipient's socket.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _recipients = meter.CreateHistogram("chatroom.broadcast.recipients", "{recipient}",
            "Recipients of one broadcast.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = RecipientBuckets });
        _disconnects = meter.CreateCounter<long>("chatroom.disconnects", "{connection}",
            "Connections ended, by reason.");
        _nickRefusals = meter.CreateCounter<long>("chatroom.nickname.refusals", "{nickname}",
            "Nicknames refused, by reason.");
        Meter = meter;
    }

    public Meter Meter { get; }

    public void ConnectionOpened() => _connections.Add(1);

    /// <summary>A connection ended for <paramref name="reason"/>, the code of its disconnect reason.</summary>
    public void ConnectionClosed(string reason)
    {
        _connections.Add(-1);
        if (_disconnects.Enabled)
        {
            _disconnects.Add(1, new KeyValuePair<string, object?>("chatroom.disconnect.reason", reason));
        }
    }

    public void UserJoined() => _users.Add(1);

    public void UserLeft() => _users.Add(-1);

    public void NicknameRefused(string reason)
    {
        if (_nickRefusals.Enabled)
        {
            _nickRefusals.Add(1, new KeyValuePair<string, object?>("chatroom.refusal.reason", reason));
        }
    }

    public void MessageReceived() => _received.Add(1);

    /// <summary>One broadcast was queued to <paramref name="recipients"/> sessions.</summary>
    public void Broadcast(int recipients, long receivedTimestamp)
    {
        _delivered.Add(recipients);
        if (_recipients.Enabled)
        {
            _recipients.Record(recipients);
        }

        if (_broadcastDuration.Enabled && receivedTimestamp != 0)
        {
            _broadcastDuration.Record(Stopwatch.GetElapsedTime(receivedTimestamp).TotalSeconds);
        }
    }

    /// <summary>Bytes read at <paramref name="receivedTimestamp"/> have just been flushed to one socket.</summary>
    public void Flushed(long receivedTimestamp)
    {
        if (_deliveryDuration.Enabled && receivedTimestamp != 0)
        {
            _deliveryDuration.Record(Stopwatch.GetElapsedTime(receivedTimestamp).TotalSeconds);
        }
    }

    /// <summary>Publishes what the connections' buffer pools hold, read only when a collector asks.</summary>
    public void ObserveBufferPools(Func<long> allocatedBytes, Func<long> retainedBytes)
    {
        Meter.CreateObservableUpDownCounter("chatroom.buffer_pool.allocated", allocatedBytes, "By",
            "Address space the buffer pools took for the connections' pipes, resident or not.");
        Meter.CreateObservableUpDownCounter("chatroom.buffer_pool.retained", retainedBytes, "By",
            "Free buffer blocks whose memory the pools keep resident for the next rent.");
    }

    /// <summary>Publishes the bytes waiting in every send queue, read only when a collector asks.</summary>
    public void ObserveSendQueues(Func<long> queuedBytes) =>
        Meter.CreateObservableUpDownCounter("chatroom.send_queue.size", queuedBytes, "By",
            "What the clients in the room are owed: lines not yet taken by their sockets, with their entries and what their pipes hold.");
}
