namespace ChatRoom.Protocol.Commands;

/// <summary>The text of <c>/help</c>: the one list of commands, shown to users and kept in docs/protocol.md.</summary>
public static class CommandHelp
{
    public const string Text =
        "Commands:\n" +
        "  /who                 who is here\n" +
        "  /msg <nick> <text>   private message: only <nick> sees it\n" +
        "  /nick <new>          change your nickname\n" +
        "  /me <action>         say what you are doing\n" +
        "  /quit [reason]       leave the chat\n" +
        "  /json                switch this connection to JSON output (for programs)\n" +
        "  /ping [token]        the server answers PONG [token]\n" +
        "  /help                this list\n" +
        "Start a line with // to say something that begins with /.";
}
