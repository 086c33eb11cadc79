namespace ChatRoom.Protocol.Events;

/// <summary>The kinds of structured event a client can receive; serialized in camelCase.</summary>
public enum ChatEventKind
{
    /// <summary>The server asks for a nickname (plain: <c>NICK</c>).</summary>
    Nick,

    /// <summary>A line said to the room.</summary>
    Message,

    /// <summary>A <c>/me</c> action said to the room.</summary>
    Action,

    /// <summary>A <c>/msg</c> seen by its target and, as confirmation, by its sender.</summary>
    Private,

    Join,
    Leave,
    Rename,

    /// <summary>Information for this client alone: welcome, <c>/who</c>, <c>/help</c>, shutdown notice, pong.</summary>
    System,

    /// <summary>Something this client did was refused (plain: a line beginning <c>ERR </c>).</summary>
    Error,
}
