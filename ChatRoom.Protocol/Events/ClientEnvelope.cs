namespace ChatRoom.Protocol.Events;

/// <summary>
/// What a structured client may send instead of a plain line: the same text (a chat line or a command)
/// plus the W3C trace context of the span that sent it.
/// </summary>
public sealed record ClientEnvelope
{
    public string? Text { get; init; }

    public string? Traceparent { get; init; }

    public string? Tracestate { get; init; }
}
