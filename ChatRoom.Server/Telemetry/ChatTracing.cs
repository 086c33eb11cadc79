using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Telemetry;

/// <summary>
/// The server's spans, on the ActivitySource <c>ChatRoom.Server</c>, shaped by the OpenTelemetry messaging
/// conventions: a broadcast is a <c>process lobby</c> consumer span whose parent is the sender's
/// <c>send lobby</c> span when the client sent its W3C trace context, so one trace shows the whole journey. With a
/// backplane, each server that delivers the line adds a <c>receive lobby</c> span under the receiving server's
/// <c>process lobby</c>, whose context travels in the stream entry.
/// </summary>
public static class ChatTracing
{
    public const string SourceName = "ChatRoom.Server";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of one broadcast in <paramref name="room"/>, or returns null when nobody is listening.</summary>
    public static Activity? StartBroadcast(string room, TraceContext trace, string text)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Start("process", room, trace.Traceparent, trace.Tracestate);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.message.body.size", Encoding.UTF8.GetByteCount(text));
        }

        return activity;
    }

    /// <summary>
    /// Records what the room did with the message: the id it gave it and how many it was queued to. With a backplane the
    /// line has no id yet (0): the backplane gives it one, and each server's <c>receive</c> span records it.
    /// </summary>
    public static void Broadcasted(Activity? activity, long messageId, int recipients)
    {
        if (activity is { IsAllDataRequested: true } && messageId != 0)
        {
            activity.SetTag("messaging.message.id", messageId.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("chatroom.broadcast.recipients", recipients);
        }
    }

    /// <summary>
    /// Starts the span of one event's delivery on this server, as read from the room's stream of a backplane, or returns
    /// null when nobody is listening. Its parent is the span of the server that appended the event
    /// (<paramref name="traceparent"/>), so one trace runs from the sender through every server that delivers its line.
    /// </summary>
    public static Activity? StartReceive(string room, string? traceparent, long id, string serverId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Start("receive", room, traceparent, null);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.message.id", id.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("chatroom.server.id", serverId);
        }

        return activity;
    }

    /// <summary>The trace context to store with an event appended now: the current span's, or null.</summary>
    public static string? CurrentTraceparent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    private static Activity? Start(string operation, string room, string? traceparent, string? tracestate)
    {
        ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parent);
        var activity = Source.StartActivity($"{operation} {room}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "chatroom");
            activity.SetTag("messaging.operation.name", operation);
            activity.SetTag("messaging.operation.type", operation);
            activity.SetTag("messaging.destination.name", room);
        }

        return activity;
    }
}
