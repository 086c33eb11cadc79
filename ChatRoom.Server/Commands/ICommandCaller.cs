using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;

namespace ChatRoom.Server.Commands;

/// <summary>
/// The client a line came from, as <see cref="ChatCommands"/> sees it: a room member that can be answered, switched
/// to JSON output and let go. The session implements it, so commands never depend on sessions.
/// </summary>
public interface ICommandCaller : IRoomMember
{
    /// <summary>The client's address, for logs.</summary>
    string? RemoteEndPoint { get; }

    /// <summary>Sends an event meant for this client alone.</summary>
    void Reply(ChatEvent chatEvent);

    /// <summary>Tells this client alone why its line was refused (an <c>ERR</c> with <paramref name="code"/>).</summary>
    void ReplyError(string code, string text);

    /// <summary>Tells this client alone something about its own connection (a system line with <paramref name="code"/>).</summary>
    void ReplySystem(string code, string text);

    /// <summary>From now on the client gets JSON events (<c>/json</c>).</summary>
    void EnableStructuredOutput();

    /// <summary>Ends the conversation after what is already queued has been written (<c>/quit</c>).</summary>
    void Quit();
}
