using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Commands;

/// <summary>What each line from a client does: the handshake before a nickname is accepted, then chat and commands.</summary>
public sealed class ChatCommands(Room room, ChatMetrics metrics, ILogger<ChatCommands> logger)
{
    private static readonly ChatEvent Welcome =
        new() { Kind = ChatEventKind.System, Code = "welcome", Text = PlainText.Welcome };

    /// <summary>
    /// A line from a client that has no nickname yet: a nickname candidate, or /json, /ping, /quit. False when the line
    /// was refused (the client has been told why; the session counts it and asks again).
    /// </summary>
    public bool Handshake(ICommandCaller caller, ChatLine line, string text)
    {
        switch (line.Command)
        {
            case CommandName.Json:
                EnableStructuredOutput(caller);
                PromptForNickname(caller);
                return true;
            case CommandName.Ping:
                Pong(caller, line.Argument);
                return true;
            case CommandName.Quit:
                caller.Quit();
                return true;
            case CommandName.Nick:
                // Accept "/nick alice" as an answer too: some clients speak commands from the start.
                text = line.Argument;
                break;
        }

        if (!TryNormalizeNickname(caller, text, out var nickname))
        {
            return false;
        }

        switch (room.TryJoin(caller, nickname, Welcome))
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
    public void Execute(ICommandCaller caller, ChatLine line, TraceContext trace, long receivedTimestamp)
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
                Whisper(caller, line.Argument, trace, receivedTimestamp);
                break;
            case CommandName.Nick when line.Argument.Length > 0:
                Rename(caller, line.Argument);
                break;
            case CommandName.Who:
                foreach (var part in WhoReply.Create(room.Who()))
                {
                    caller.Reply(part);
                }

                break;
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

    private void Whisper(ICommandCaller caller, string argument, TraceContext trace, long receivedTimestamp)
    {
        var (target, text) = ChatLine.SplitTarget(argument);
        if (target.Length == 0 || text.Length == 0)
        {
            caller.ReplyError(ErrorCodes.Usage, "usage: /msg <nick> <text>");
        }
        else if (room.Whisper(caller, target, text, trace, receivedTimestamp) is null && !room.IsClosed)
        {
            // Nobody has that name. (A closed room passes on no whisper and says nothing of it: its notice was the last word.)
            caller.ReplyError(ErrorCodes.NoSuchUser, $"no such user '{target}'");
        }
    }

    private void Rename(ICommandCaller caller, string candidate)
    {
        var oldNickname = caller.Nickname!;
        if (!TryNormalizeNickname(caller, candidate, out var nickname))
        {
            return;
        }

        if (room.TryRename(caller, nickname))
        {
            ServerLog.Renamed(logger, oldNickname, nickname);
        }
        else if (!room.IsClosed)
        {
            // A closed room renames nobody and says nothing of it: its shutdown notice was the last word.
            RefuseNickInUse(caller, nickname);
        }
    }

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
