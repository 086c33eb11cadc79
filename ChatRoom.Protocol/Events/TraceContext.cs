namespace ChatRoom.Protocol.Events;

/// <summary>The W3C trace context a client sent with a line, carried unchanged onto the broadcast.</summary>
public readonly record struct TraceContext(string? Traceparent, string? Tracestate)
{
    public static readonly TraceContext None;

    /// <summary>
    /// Keeps only the fields that match the W3C grammar (<see cref="W3CTraceContext"/>); anything else is dropped, not
    /// relayed. Without a valid traceparent the tracestate goes too: the specification gives it no meaning alone.
    /// </summary>
    public static TraceContext FromClient(string? traceparent, string? tracestate) =>
        !W3CTraceContext.IsValidTraceparent(traceparent) ? None
            : new TraceContext(traceparent, tracestate is { Length: > 0 } && W3CTraceContext.IsValidTracestate(tracestate) ? tracestate : null);
}
