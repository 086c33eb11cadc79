using System.Diagnostics.Metrics;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Client.Telemetry;

/// <summary>The client's instruments, on the meter <c>ChatRoom.Client</c> (see docs/observability.md).</summary>
public sealed class ClientMetrics
{
    public const string MeterName = "ChatRoom.Client";

    // A round trip crosses the network twice: from a tenth of a millisecond on loopback to seconds under load.
    private static readonly IReadOnlyList<double> RoundTripBuckets =
        [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _sent;
    private readonly Counter<long> _received;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _roundTrip;

    public ClientMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sent = meter.CreateCounter<long>("chatroom.client.messages.sent", "{message}",
            "Messages this client sent to the room.");
        _received = meter.CreateCounter<long>("chatroom.client.messages.received", "{message}",
            "Room messages this client received (messages, actions, private messages).");
        _reconnects = meter.CreateCounter<long>("chatroom.client.reconnects", "{reconnect}",
            "Times the client joined again after losing the server.");
        _roundTrip = meter.CreateHistogram("chatroom.client.round_trip.duration", "s",
            "From sending a message to receiving the server's copy of it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
    }

    public void MessageSent() => _sent.Add(1);

    public void EventReceived(ChatEventKind kind)
    {
        if (_received.Enabled && kind is ChatEventKind.Message or ChatEventKind.Action or ChatEventKind.Private)
        {
            _received.Add(1, new KeyValuePair<string, object?>("chatroom.event.kind", KindName(kind)));
        }
    }

    public void Reconnected() => _reconnects.Add(1);

    public void RoundTrip(TimeSpan elapsed) => _roundTrip.Record(elapsed.TotalSeconds);

    private static string KindName(ChatEventKind kind) => kind switch
    {
        ChatEventKind.Message => "message",
        ChatEventKind.Action => "action",
        _ => "private",
    };
}
