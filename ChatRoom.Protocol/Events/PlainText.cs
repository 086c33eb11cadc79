namespace ChatRoom.Protocol.Events;

/// <summary>
/// The plain-text protocol a person sees with <c>nc</c>: the lines of the original chat room.
/// Server (for plain clients) and console client (for display) render events with this one function.
/// </summary>
public static class PlainText
{
    public const string NickPrompt = "NICK";
    public const string Welcome = "Connected to the server!";
    public const string ErrorPrefix = "ERR ";

    /// <summary>
    /// What a line of the room's history begins with. No live line can: the server writes every live message's
    /// <c>nick: </c> and action's <c>* nick</c> itself, and a nickname holds neither brackets nor spaces.
    /// </summary>
    public const string HistoryPrefix = "[history] ";

    /// <param name="e">The event.</param>
    /// <param name="viewer">Nickname of the client the line is for: a private message reads differently to its sender.</param>
    public static string Render(ChatEvent e, string? viewer = null) =>
        e.History == true ? HistoryPrefix + RenderLive(e, viewer) : RenderLive(e, viewer);

    private static string RenderLive(ChatEvent e, string? viewer) => e.Kind switch
    {
        ChatEventKind.Nick => NickPrompt,
        ChatEventKind.Message => $"{e.From}: {e.Text}",
        ChatEventKind.Action => $"* {e.From} {e.Text}",
        ChatEventKind.Private when viewer is not null && string.Equals(viewer, e.From, StringComparison.Ordinal)
            => $"[private to {e.To}] {e.Text}",
        ChatEventKind.Private => $"[private] {e.From}: {e.Text}",
        ChatEventKind.Join => $"{e.From} joined the chat!",
        ChatEventKind.Leave => $"{e.From} left the chat!",
        ChatEventKind.Rename => $"{e.From} is now known as {e.Nick}",
        ChatEventKind.Error => ErrorPrefix + e.Text,
        ChatEventKind.System when e.Users is { } users => $"{e.Text}: {string.Join(", ", users)}",
        _ => e.Text ?? string.Empty,
    };
}
