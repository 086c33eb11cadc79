using ChatRoom.Protocol.Events;

namespace ChatRoom.Client.Connection;

/// <summary>The server refused to let this client join: server full, too many connections, a refused nickname.</summary>
public sealed class ChatRefusedException(ChatEvent error) : Exception(PlainText.Render(error))
{
    /// <summary>The server's <c>error</c> event; its <c>Code</c> says why (null on plain-only refusals).</summary>
    public ChatEvent Error { get; } = error;
}
