using System.Text.Json.Serialization;

namespace ChatRoom.Protocol.Events;

/// <summary>The kinds of structured event a client can receive; serialized as the lower-case names below.</summary>
public enum ChatEventKind
{
    /// <summary>The server asks for a nickname (plain: <c>NICK</c>).</summary>
    [JsonStringEnumMemberName("nick")]
    Nick,

    /// <summary>A line said to the room.</summary>
    [JsonStringEnumMemberName("message")]
    Message,

    /// <summary>A <c>/me</c> action said to the room.</summary>
    [JsonStringEnumMemberName("action")]
    Action,

    /// <summary>A <c>/msg</c> seen by its target and, as confirmation, by its sender.</summary>
    [JsonStringEnumMemberName("private")]
    Private,

    [JsonStringEnumMemberName("join")]
    Join,

    [JsonStringEnumMemberName("leave")]
    Leave,

    [JsonStringEnumMemberName("rename")]
    Rename,

    /// <summary>Information for this client alone: welcome, <c>/who</c>, <c>/help</c>, shutdown notice, pong.</summary>
    [JsonStringEnumMemberName("system")]
    System,

    /// <summary>Something this client did was refused (plain: a line beginning <c>ERR </c>).</summary>
    [JsonStringEnumMemberName("error")]
    Error,
}
