using ChatRoom.Protocol.Events;

namespace ChatRoom.Client.Terminal;

/// <summary>
/// How an event looks on a terminal: the protocol's plain line, coloured by kind so that joins, leaves,
/// private messages and errors stand apart from talk. No colour when NO_COLOR is set (https://no-color.org).
/// </summary>
public static class EventStyle
{
    private const string Reset = "\e[0m";

    private static readonly bool Colour = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static string Format(ChatEvent chatEvent, string viewer)
    {
        var text = PlainText.Render(chatEvent, viewer);
        var colour = chatEvent.Kind switch
        {
            ChatEventKind.Join or ChatEventKind.Leave or ChatEventKind.Rename => "\e[90m", // grey
            ChatEventKind.Private => "\e[35m",                                               // magenta
            ChatEventKind.Action => "\e[36m",                                                // cyan
            ChatEventKind.Error => "\e[31m",                                                 // red
            ChatEventKind.System => "\e[33m",                                                // yellow
            _ when chatEvent.From == viewer => "\e[1m",                                      // bold: your own words
            _ => null,
        };

        return Colour && colour is not null ? colour + text + Reset : text;
    }

    /// <summary>A line of the client's own (not from the server), e.g. why it stopped.</summary>
    public static string Notice(string text) => Colour ? "\e[33m" + text + Reset : text;
}
