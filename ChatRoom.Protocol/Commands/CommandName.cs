namespace ChatRoom.Protocol.Commands;

/// <summary>The slash commands a joined client may use (see <see cref="CommandHelp"/>).</summary>
public enum CommandName
{
    /// <summary>Not a command: text to say to the room.</summary>
    None,
    Who,
    Msg,
    Nick,
    Me,
    Quit,
    Help,

    /// <summary>Switches this connection to structured (JSON) output.</summary>
    Json,

    /// <summary>Asks the server to answer <c>PONG [token]</c> once everything before it has been handled.</summary>
    Ping,

    /// <summary>Began with '/' but names no command.</summary>
    Unknown,
}
