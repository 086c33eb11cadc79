namespace ChatRoom.Server.Rooms;

/// <summary>The W3C trace context a client sent with a line, carried unchanged onto the broadcast.</summary>
public readonly record struct TraceContext(string? Traceparent, string? Tracestate)
{
    public static readonly TraceContext None;
}
