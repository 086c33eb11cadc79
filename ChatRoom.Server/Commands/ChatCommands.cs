using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Commands;

/// <summary>
/// What each line from a client does: the handshake before a nickname is accepted, then chat and commands. A command
/// that needs the backplane (a nickname claim, <c>/msg</c>, <c>/who</c> across servers) returns an unfinished task, and
/// the session awaits it before reading the client's next line; without a backplane every command finishes at once.
/// </summary>
public sealed class ChatCommands(Room room, ChatMetrics metrics, ILogger<ChatCommands> logger)
{
    private static readonly ChatEvent Welcome =
        new() { Kind = ChatEventKind.System, Code = "welcome", Text = PlainText.Welcome };

    /// <summary>
    /// A line from a client that has no nickname yet: a nickname candidate, or /json, /ping, /quit. False when the line
    /// was refused (the client has been told why; the session counts it and asks again).
    /// </summary>
    public ValueTask<bool> Handshake(ChatSession session, ChatLine line, string text)
    {
        switch (line.Command)
        {
            case CommandName.Json:
                EnableStructuredOutput(session);
                PromptForNickname(session);
                return new(true);
            case CommandName.Ping:
                Pong(session, line.Argument);
                return new(true);
            case CommandName.Quit:
                session.Quit();
                return new(true);
            case CommandName.Nick:
                // Accept "/nick alice" as an answer too: some clients speak commands from the start.
                text = line.Argument;
                break;
        }

        if (!TryNormalizeNickname(session, text, out var nickname))
        {
            return new(false);
        }

        var joining = room.JoinAsync(session, nickname, Welcome);
        return joining.IsCompletedSuccessfully ? new(Joined(session, nickname, joining.Result)) : JoinedAsync(session, nickname, joining);
    }

    private async ValueTask<bool> JoinedAsync(ChatSession session, string nickname, ValueTask<JoinResult> joining)
    {
        try
        {
            return Joined(session, nickname, await joining.ConfigureAwait(false));
        }
        catch (RoomUnavailableException)
        {
            // Not the client's fault: not counted as a refused line, and it may try again.
            ReplyUnavailable(session, "the room is unavailable right now; try joining again shortly");
            PromptForNickname(session);
            return true;
        }
    }

    private bool Joined(ChatSession session, string nickname, JoinResult result)
    {
        switch (result)
        {
            case JoinResult.Joined:
                ServerLog.Joined(logger, nickname, session.RemoteEndPoint);
                return true;
            case JoinResult.Closed:
                return true; // the session tells it the server is stopping
            default:
                RefuseNickInUse(session, nickname);
                return false;
        }
    }

    /// <summary>Asks (again) for a nickname: every refusal during the handshake ends with this.</summary>
    public void PromptForNickname(ChatSession session) =>
        session.Reply(new ChatEvent { Kind = ChatEventKind.Nick, Text = PlainText.NickPrompt });

    /// <summary>A line from a client in the room.</summary>
    public ValueTask Execute(ChatSession session, ChatLine line, TraceContext trace, long receivedTimestamp)
    {
        switch (line.Command)
        {
            case CommandName.None:
                Say(session, ChatEventKind.Message, line.Argument, trace, receivedTimestamp);
                break;
            case CommandName.Me when line.Argument.Length > 0:
                Say(session, ChatEventKind.Action, ChatLine.Unescape(line.Argument), trace, receivedTimestamp);
                break;
            case CommandName.Msg:
                return Whisper(session, line.Argument, trace, receivedTimestamp);
            case CommandName.Nick when line.Argument.Length > 0:
                return Rename(session, line.Argument);
            case CommandName.Who:
                return Who(session);
            case CommandName.Help:
                session.ReplySystem("help", CommandHelp.Text);
                break;
            case CommandName.Json:
                EnableStructuredOutput(session);
                break;
            case CommandName.Ping:
                Pong(session, line.Argument);
                break;
            case CommandName.Quit:
                session.Quit();
                break;
            case CommandName.Me:
                session.ReplyError("usage", "usage: /me <action>");
                break;
            case CommandName.Nick:
                session.ReplyError("usage", "usage: /nick <new>");
                break;
            default:
                session.ReplyError("unknown_command", $"unknown command '/{line.Name}' (try /help)");
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void Say(ChatSession session, ChatEventKind kind, string text, TraceContext trace, long receivedTimestamp)
    {
        using var activity = ChatTracing.StartBroadcast(trace, text);
        if (room.Say(session, kind, text, trace, receivedTimestamp) is { } receipt)
        {
            metrics.MessageReceived();
            ChatTracing.Broadcasted(activity, receipt);
        }
    }

    private async ValueTask Whisper(ChatSession session, string argument, TraceContext trace, long receivedTimestamp)
    {
        var (target, text) = ChatLine.SplitTarget(argument);
        if (target.Length == 0 || text.Length == 0)
        {
            session.ReplyError("usage", "usage: /msg <nick> <text>");
            return;
        }

        try
        {
            if (await room.WhisperAsync(session, target, text, trace, receivedTimestamp).ConfigureAwait(false) is null)
            {
                session.ReplyError("no_such_user", $"no such user '{target}'");
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(session, "the room is unavailable right now: your private message was not delivered; try again shortly");
        }
    }

    private async ValueTask Rename(ChatSession session, string candidate)
    {
        var oldNickname = session.Nickname!;
        if (!TryNormalizeNickname(session, candidate, out var nickname))
        {
            return;
        }

        try
        {
            if (await room.RenameAsync(session, nickname).ConfigureAwait(false))
            {
                ServerLog.Renamed(logger, oldNickname, nickname);
            }
            else
            {
                RefuseNickInUse(session, nickname);
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(session, "the room is unavailable right now: you are still called " + oldNickname + "; try again shortly");
        }
    }

    private async ValueTask Who(ChatSession session)
    {
        try
        {
            foreach (var part in WhoReply.Create(await room.WhoAsync().ConfigureAwait(false)))
            {
                session.Reply(part);
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(session, "the room is unavailable right now: who is here cannot be told; try again shortly");
        }
    }

    private static void ReplyUnavailable(ChatSession session, string text) => session.ReplyError(RoomUnavailableException.Code, text);

    private bool TryNormalizeNickname(ChatSession session, string candidate, out string nickname)
    {
        if (NicknameRules.TryNormalize(candidate, out nickname, out var error))
        {
            return true;
        }

        metrics.NicknameRefused("nick_invalid");
        session.ReplyError("nick_invalid", error);
        return false;
    }

    private void RefuseNickInUse(ChatSession session, string nickname)
    {
        metrics.NicknameRefused("nick_in_use");
        session.ReplyError("nick_in_use", $"nickname '{nickname}' is already in use");
    }

    private static void EnableStructuredOutput(ChatSession session)
    {
        session.EnableStructuredOutput();
        session.ReplySystem("json", "structured mode on");
    }

    private static void Pong(ChatSession session, string token) =>
        session.ReplySystem("pong", token.Length == 0 ? "PONG" : $"PONG {token}");
}
