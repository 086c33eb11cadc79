using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Telemetry;

/// <summary>
/// The server's spans, on the ActivitySource <c>ChatRoom.Server</c>, shaped by the OpenTelemetry messaging
/// conventions: a broadcast is a <c>process lobby</c> consumer span whose parent is the sender's
/// <c>send lobby</c> span when the client sent its W3C trace context, so one trace shows the whole journey.
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

        ActivityContext.TryParse(trace.Traceparent, trace.Tracestate, isRemote: true, out var parent);
        var activity = Source.StartActivity($"process {room}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "chatroom");
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", room);
            activity.SetTag("messaging.message.body.size", Encoding.UTF8.GetByteCount(text));
        }

        return activity;
    }

    /// <summary>Records what the room did with the message: the id it gave it and how many it was queued to.</summary>
    public static void Broadcasted(Activity? activity, long messageId, int recipients)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.message.id", messageId.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("chatroom.broadcast.recipients", recipients);
        }
    }
}
