namespace ChatRoom.Protocol.Events;

/// <summary>
/// The machine-readable <c>code</c> of every <c>error</c> event, the <c>ERR</c> lines: the one table the server answers
/// from, listed in docs/protocol.md (Errors), where a test holds the two equal.
/// </summary>
public static class ErrorCodes
{
    public const string LineTooLong = "line_too_long";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string ControlCharacter = "control_character";
    public const string DirectionOverride = "direction_override";
    public const string LineSeparator = "line_separator";
    public const string InvisibleCharacter = "invisible_character";
    public const string CombiningMarks = "combining_marks";
    public const string NickInvalid = "nick_invalid";
    public const string NickInUse = "nick_in_use";
    public const string UnknownCommand = "unknown_command";
    public const string Usage = "usage";
    public const string NoSuchUser = "no_such_user";
    public const string BadJson = "bad_json";
    public const string EmptyText = "empty_text";

    /// <summary>Lines delayed by flood control or by the server's budget, and the disconnect for flooding.</summary>
    public const string Flood = "flood";

    /// <summary>Too many refused lines in a row: the connection is closed.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>An HTTP request line or a TLS record at the handshake: the connection is closed.</summary>
    public const string WrongProtocol = "wrong_protocol";

    public const string HandshakeTimeout = "handshake_timeout";

    /// <summary>The last line of a client disconnected for falling behind the room.</summary>
    public const string SlowConsumer = "slow_consumer";
}
