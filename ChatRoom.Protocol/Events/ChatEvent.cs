namespace ChatRoom.Protocol.Events;

/// <summary>
/// One line the server sends. Plain-text clients see it rendered by <see cref="PlainText"/>;
/// structured clients get it as one JSON object per line (<see cref="ChatJsonContext"/>).
/// </summary>
public sealed record ChatEvent
{
    public required ChatEventKind Kind { get; init; }

    /// <summary>Server-assigned id, increasing in the room's one order; absent on replies to one client.</summary>
    public long? Id { get; init; }

    /// <summary>When the server produced the event, UTC.</summary>
    public DateTimeOffset Time { get; init; }

    public string? Room { get; init; }

    /// <summary>Who said it, joined, left, or (for a rename) the old nickname.</summary>
    public string? From { get; init; }

    /// <summary>The target of a private message.</summary>
    public string? To { get; init; }

    /// <summary>The new nickname of a rename.</summary>
    public string? Nick { get; init; }

    public string? Text { get; init; }

    /// <summary>Machine-readable reason of an error or a leave, e.g. <c>nick_in_use</c>, <c>quit</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Who is in the room, on a <c>/who</c> reply: the nicknames of this part (see <see cref="WhoReply"/>).</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>On a reply sent in several parts: this part's number, from 1; absent when there is one part.</summary>
    public int? Part { get; init; }

    /// <summary>On a reply sent in several parts: how many parts there are.</summary>
    public int? Parts { get; init; }

    /// <summary>W3C trace context of the span that sent the message (https://www.w3.org/TR/trace-context/).</summary>
    public string? Traceparent { get; init; }

    public string? Tracestate { get; init; }

    /// <summary>
    /// True on a message or action said before the client joined, sent to it as the room's history (see
    /// <see cref="PlainText.HistoryPrefix"/>); absent on live events.
    /// </summary>
    public bool? History { get; init; }
}
