namespace ChatRoom.Protocol.Framing;

/// <summary>What <see cref="LineFramer.TryRead"/> found at the front of the buffer.</summary>
public enum FrameStatus
{
    /// <summary>No complete line yet: read more input.</summary>
    NeedMoreData,

    /// <summary>A complete line, without its LF or CRLF.</summary>
    Line,

    /// <summary>A line longer than the limit began here; it is being discarded up to its LF.</summary>
    TooLong,
}
