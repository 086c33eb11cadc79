using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Rooms;
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
    public ValueTask<bool> Handshake(ICommandCaller caller, ChatLine line, string text)
    {
        switch (line.Command)
        {
            case CommandName.Json:
                EnableStructuredOutput(caller);
                PromptForNickname(caller);
                return new(true);
            case CommandName.Ping:
                Pong(caller, line.Argument);
                return new(true);
            case CommandName.Quit:
                caller.Quit();
                return new(true);
            case CommandName.Nick:
                // Accept "/nick alice" as an answer too: some clients speak commands from the start.
                text = line.Argument;
                break;
        }

        if (!TryNormalizeNickname(caller, text, out var nickname))
        {
            return new(false);
        }

        var joining = room.JoinAsync(caller, nickname, Welcome);
        return joining.IsCompletedSuccessfully ? new(Joined(caller, nickname, joining.Result)) : JoinedAsync(caller, nickname, joining);
    }

    private async ValueTask<bool> JoinedAsync(ICommandCaller caller, string nickname, ValueTask<JoinResult> joining)
    {
        try
        {
            return Joined(caller, nickname, await joining.ConfigureAwait(false));
        }
        catch (RoomUnavailableException)
        {
            // Not the client's fault: not counted as a refused line, and it may try again.
            ReplyUnavailable(caller, "the room is unavailable right now; try joining again shortly");
            PromptForNickname(caller);
            return true;
        }
    }

    private bool Joined(ICommandCaller caller, string nickname, JoinResult result)
    {
        switch (result)
        {
            case JoinResult.Joined:
                ServerLog.Joined(logger, nickname, caller.RemoteEndPoint);
                return true;
            case JoinResult.Closed:
                return true; // the session tells it the server is stopping
            default:
                RefuseNickInUse(caller, nickname);
                return false;
        }
    }

    /// <summary>Asks (again) for a nickname: every refusal during the handshake ends with this.</summary>
    public void PromptForNickname(ICommandCaller caller) =>
        caller.Reply(new ChatEvent { Kind = ChatEventKind.Nick, Text = PlainText.NickPrompt });

    /// <summary>A line from a client in the room.</summary>
    public ValueTask Execute(ICommandCaller caller, ChatLine line, TraceContext trace, long receivedTimestamp)
    {
        switch (line.Command)
        {
            case CommandName.None:
                Say(caller, ChatEventKind.Message, line.Argument, trace, receivedTimestamp);
                break;
            case CommandName.Me when line.Argument.Length > 0:
                Say(caller, ChatEventKind.Action, ChatLine.Unescape(line.Argument), trace, receivedTimestamp);
                break;
            case CommandName.Msg:
                return Whisper(caller, line.Argument, trace, receivedTimestamp);
            case CommandName.Nick when line.Argument.Length > 0:
                return Rename(caller, line.Argument);
            case CommandName.Who:
                return Who(caller);
            case CommandName.Help:
                caller.ReplySystem("help", CommandHelp.Text);
                break;
            case CommandName.Json:
                EnableStructuredOutput(caller);
                break;
            case CommandName.Ping:
                Pong(caller, line.Argument);
                break;
            case CommandName.Quit:
                caller.Quit();
                break;
            case CommandName.Me:
                caller.ReplyError(ErrorCodes.Usage, "usage: /me <action>");
                break;
            case CommandName.Nick:
                caller.ReplyError(ErrorCodes.Usage, "usage: /nick <new>");
                break;
            default:
                caller.ReplyError(ErrorCodes.UnknownCommand, $"unknown command '/{line.Name}' (try /help)");
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void Say(ICommandCaller caller, ChatEventKind kind, string text, TraceContext trace, long receivedTimestamp)
    {
        using var activity = ChatTracing.StartBroadcast(Room.Name, trace, text);
        if (room.Say(caller, kind, text, trace, receivedTimestamp) is { } receipt)
        {
            metrics.MessageReceived();
            ChatTracing.Broadcasted(activity, receipt.Id, receipt.Recipients);
        }
    }

    private async ValueTask Whisper(ICommandCaller caller, string argument, TraceContext trace, long receivedTimestamp)
    {
        var (target, text) = ChatLine.SplitTarget(argument);
        if (target.Length == 0 || text.Length == 0)
        {
            caller.ReplyError(ErrorCodes.Usage, "usage: /msg <nick> <text>");
            return;
        }

        try
        {
            if (await room.WhisperAsync(caller, target, text, trace, receivedTimestamp).ConfigureAwait(false) is null && !room.IsClosed)
            {
                // Nobody has that name. (A closed room passes on no whisper and says nothing of it: its notice was the last word.)
                caller.ReplyError(ErrorCodes.NoSuchUser, $"no such user '{target}'");
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(caller, "the room is unavailable right now: your private message was not delivered; try again shortly");
        }
    }

    private async ValueTask Rename(ICommandCaller caller, string candidate)
    {
        var oldNickname = caller.Nickname!;
        if (!TryNormalizeNickname(caller, candidate, out var nickname))
        {
            return;
        }

        try
        {
            if (await room.RenameAsync(caller, nickname).ConfigureAwait(false))
            {
                ServerLog.Renamed(logger, oldNickname, nickname);
            }
            else if (!room.IsClosed)
            {
                // A closed room renames nobody and says nothing of it: its shutdown notice was the last word.
                RefuseNickInUse(caller, nickname);
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(caller, "the room is unavailable right now: you are still called " + oldNickname + "; try again shortly");
        }
    }

    private async ValueTask Who(ICommandCaller caller)
    {
        try
        {
            foreach (var part in WhoReply.Create(await room.WhoAsync().ConfigureAwait(false)))
            {
                caller.Reply(part);
            }
        }
        catch (RoomUnavailableException)
        {
            ReplyUnavailable(caller, "the room is unavailable right now: who is here cannot be told; try again shortly");
        }
    }

    private static void ReplyUnavailable(ICommandCaller caller, string text) => caller.ReplyError(ErrorCodes.RoomUnavailable, text);

    private bool TryNormalizeNickname(ICommandCaller caller, string candidate, out string nickname)
    {
        if (NicknameRules.TryNormalize(candidate, out nickname, out var error))
        {
            return true;
        }

        metrics.NicknameRefused(ErrorCodes.NickInvalid);
        caller.ReplyError(ErrorCodes.NickInvalid, error);
        return false;
    }

    private void RefuseNickInUse(ICommandCaller caller, string nickname)
    {
        metrics.NicknameRefused(ErrorCodes.NickInUse);
        caller.ReplyError(ErrorCodes.NickInUse, $"nickname '{nickname}' is already in use");
    }

    private static void EnableStructuredOutput(ICommandCaller caller)
    {
        caller.EnableStructuredOutput();
        caller.ReplySystem("json", "structured mode on");
    }

    private static void Pong(ICommandCaller caller, string token) =>
        caller.ReplySystem("pong", token.Length == 0 ? "PONG" : $"PONG {token}");
}
