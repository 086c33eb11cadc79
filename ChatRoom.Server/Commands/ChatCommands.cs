using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
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
    public bool Handshake(ChatSession session, ChatLine line, string text)
    {
        switch (line.Command)
        {
            case CommandName.Json:
                EnableStructuredOutput(session);
                PromptForNickname(session);
                return true;
            case CommandName.Ping:
                Pong(session, line.Argument);
                return true;
            case CommandName.Quit:
                session.Quit();
                return true;
            case CommandName.Nick:
                // Accept "/nick alice" as an answer too: some clients speak commands from the start.
                text = line.Argument;
                break;
        }

        if (!TryNormalizeNickname(session, text, out var nickname))
        {
            return false;
        }

        switch (room.TryJoin(session, nickname, Welcome))
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
    public void Execute(ChatSession session, ChatLine line, TraceContext trace, long receivedTimestamp)
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
                Whisper(session, line.Argument, trace, receivedTimestamp);
                break;
            case CommandName.Nick when line.Argument.Length > 0:
                Rename(session, line.Argument);
                break;
            case CommandName.Who:
                foreach (var part in WhoReply.Create(room.Who()))
                {
                    session.Reply(part);
                }

                break;
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
                session.ReplyError(ErrorCodes.Usage, "usage: /me <action>");
                break;
            case CommandName.Nick:
                session.ReplyError(ErrorCodes.Usage, "usage: /nick <new>");
                break;
            default:
                session.ReplyError(ErrorCodes.UnknownCommand, $"unknown command '/{line.Name}' (try /help)");
                break;
        }
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

    private void Whisper(ChatSession session, string argument, TraceContext trace, long receivedTimestamp)
    {
        var (target, text) = ChatLine.SplitTarget(argument);
        if (target.Length == 0 || text.Length == 0)
        {
            session.ReplyError(ErrorCodes.Usage, "usage: /msg <nick> <text>");
        }
        else if (room.Whisper(session, target, text, trace, receivedTimestamp) is null && !room.IsClosed)
        {
            // Nobody has that name. (A closed room passes on no whisper and says nothing of it: its notice was the last word.)
            session.ReplyError(ErrorCodes.NoSuchUser, $"no such user '{target}'");
        }
    }

    private void Rename(ChatSession session, string candidate)
    {
        var oldNickname = session.Nickname!;
        if (!TryNormalizeNickname(session, candidate, out var nickname))
        {
            return;
        }

        if (room.TryRename(session, nickname))
        {
            ServerLog.Renamed(logger, oldNickname, nickname);
        }
        else if (!room.IsClosed)
        {
            // A closed room renames nobody and says nothing of it: its shutdown notice was the last word.
            RefuseNickInUse(session, nickname);
        }
    }

    private bool TryNormalizeNickname(ChatSession session, string candidate, out string nickname)
    {
        if (NicknameRules.TryNormalize(candidate, out nickname, out var error))
        {
            return true;
        }

        metrics.NicknameRefused(ErrorCodes.NickInvalid);
        session.ReplyError(ErrorCodes.NickInvalid, error);
        return false;
    }

    private void RefuseNickInUse(ChatSession session, string nickname)
    {
        metrics.NicknameRefused(ErrorCodes.NickInUse);
        session.ReplyError(ErrorCodes.NickInUse, $"nickname '{nickname}' is already in use");
    }

    private static void EnableStructuredOutput(ChatSession session)
    {
        session.EnableStructuredOutput();
        session.ReplySystem("json", "structured mode on");
    }

    private static void Pong(ChatSession session, string token) =>
        session.ReplySystem("pong", token.Length == 0 ? "PONG" : $"PONG {token}");
}
