using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.Server.Rooms;

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

    /// <summary>Starts the span of one broadcast, or returns null when nobody is listening.</summary>
    public static Activity? StartBroadcast(TraceContext trace, string text)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(trace.Traceparent, trace.Tracestate, isRemote: true, out var parent);
        var activity = Source.StartActivity($"process {Room.Name}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "chatroom");
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", Room.Name);
            activity.SetTag("messaging.message.body.size", Encoding.UTF8.GetByteCount(text));
        }

        return activity;
    }

    /// <summary>Records what the room did with the message.</summary>
    public static void Broadcasted(Activity? activity, BroadcastReceipt receipt)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.message.id", receipt.Id.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("chatroom.broadcast.recipients", receipt.Recipients);
        }
    }
}
