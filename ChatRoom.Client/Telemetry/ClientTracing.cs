using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ChatRoom.Client.Telemetry;

/// <summary>
/// The client's spans, on the ActivitySource <c>ChatRoom.Client</c>, shaped by the OpenTelemetry messaging
/// conventions: <c>send lobby</c> (Producer) when a message leaves, <c>process lobby</c> (Consumer, same trace)
/// when its copy comes back. The server's <c>process lobby</c> span sits between them.
/// </summary>
public static class ClientTracing
{
    public const string SourceName = "ChatRoom.Client";

    /// <summary>The one room the server has (the destination in span names).</summary>
    private const string Room = "lobby";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of sending one message, or returns null when nobody is listening.</summary>
    public static Activity? StartSend(string text) =>
        Start("send", ActivityKind.Producer, default, text);

    /// <summary>Records the sender seeing its own message come back, as a child of the span that sent it.</summary>
    public static void OwnMessageReturned(ActivityContext sent, string text, long? messageId)
    {
        using var activity = Start("process", ActivityKind.Consumer, sent, text);
        if (activity is { IsAllDataRequested: true } && messageId is { } id)
        {
            activity.SetTag("messaging.message.id", id.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static Activity? Start(string operation, ActivityKind kind, ActivityContext parent, string text)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"{operation} {Room}", kind, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "chatroom");
            activity.SetTag("messaging.operation.name", operation);
            activity.SetTag("messaging.operation.type", operation);
            activity.SetTag("messaging.destination.name", Room);
            activity.SetTag("messaging.message.body.size", Encoding.UTF8.GetByteCount(text));
        }

        return activity;
    }
}
