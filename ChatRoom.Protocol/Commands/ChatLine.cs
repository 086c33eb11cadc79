namespace ChatRoom.Protocol.Commands;

/// <summary>
/// One input line, understood: text for the room, or a command with its argument.
/// A line that must begin with '/' as text is written with '//' and arrives here as text with one '/'.
/// </summary>
public readonly record struct ChatLine(CommandName Command, string Argument, string Name)
{
    public bool IsText => Command == CommandName.None;

    public static ChatLine Parse(string line)
    {
        if (line.Length == 0 || line[0] != '/')
        {
            return new ChatLine(CommandName.None, line, string.Empty);
        }

        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return new ChatLine(CommandName.None, Unescape(line), string.Empty);
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? line[1..] : line[1..space];
        var argument = space < 0 ? string.Empty : line[(space + 1)..].Trim(' ');
        return new ChatLine(Lookup(name), argument, name);
    }

    /// <summary>Splits "target rest of text" for <c>/msg</c>; the text is unescaped as a plain line's is.</summary>
    public static (string Target, string Text) SplitTarget(string argument)
    {
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (argument, string.Empty) : (argument[..space], Unescape(argument[(space + 1)..].TrimStart(' ')));
    }

    /// <summary>Text written with a leading "//" (so that it is not a command) loses one '/'; other text is itself.</summary>
    public static string Unescape(string text) => text.StartsWith("//", StringComparison.Ordinal) ? text[1..] : text;

    // ASCII names only: with ICU, ToUpperInvariant maps 'ſ' (U+017F) to 'S', which would make "/mſg" a /msg.
    private static CommandName Lookup(string name) => !System.Text.Ascii.IsValid(name) ? CommandName.Unknown : name.ToUpperInvariant() switch
    {
        "WHO" => CommandName.Who,
        "MSG" => CommandName.Msg,
        "NICK" => CommandName.Nick,
        "ME" => CommandName.Me,
        "QUIT" => CommandName.Quit,
        "HELP" => CommandName.Help,
        "JSON" => CommandName.Json,
        "PING" => CommandName.Ping,
        _ => CommandName.Unknown,
    };
}
