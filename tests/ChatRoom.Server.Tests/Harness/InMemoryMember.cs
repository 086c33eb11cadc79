using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Commands;
using ChatRoom.Server.Rooms;

namespace ChatRoom.Server.Tests.Harness;

/// <summary>
/// A room member without a connection, for tests of the room and the commands: it keeps every line it is sent, as a
/// plain-text client would read it, and what the commands asked of it.
/// </summary>
public sealed class InMemoryMember : ICommandCaller
{
    private readonly List<string> _lines = [];
    private readonly List<ChatEvent> _events = [];

    public string? Nickname { get; set; }

    public string? RemoteEndPoint => "in-memory";

    /// <summary>What the member has been sent so far, in order, as plain-text lines.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The events it has been sent, in order.</summary>
    public IReadOnlyList<ChatEvent> Events
    {
        get
        {
            lock (_lines)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>What <see cref="GetDeliveryState"/> answers.</summary>
    public DeliveryState Owed { get; set; }

    public bool IsStructured { get; private set; }

    public bool HasQuit { get; private set; }

    public SlowConsumerVerdict? DisconnectedFor { get; private set; }

    public DeliveryState GetDeliveryState(long now) => Owed;

    public void Send(EncodedEvent chatEvent)
    {
        lock (_lines)
        {
            _lines.Add(Encoding.UTF8.GetString(chatEvent.Plain.Span).TrimEnd('\n'));
            _events.Add(chatEvent.Event);
        }
    }

    public void Disconnect(SlowConsumerVerdict verdict) => DisconnectedFor = verdict;

    public void Reply(ChatEvent chatEvent) => Send(new EncodedEvent(chatEvent, 0, Nickname));

    public void ReplyError(string code, string text) =>
        Reply(new ChatEvent { Kind = ChatEventKind.Error, Code = code, Text = text });

    public void ReplySystem(string code, string text) =>
        Reply(new ChatEvent { Kind = ChatEventKind.System, Code = code, Text = text });

    public void EnableStructuredOutput() => IsStructured = true;

    public void Quit() => HasQuit = true;

    /// <summary>Makes each of <paramref name="members"/> forget what it has been sent so far.</summary>
    public static void ClearLines(params InMemoryMember[] members)
    {
        foreach (var member in members)
        {
            member.ClearLines();
        }
    }

    /// <summary>Forgets what it has been sent so far, so that a test sees only what comes next.</summary>
    public void ClearLines()
    {
        lock (_lines)
        {
            _lines.Clear();
            _events.Clear();
        }
    }
}
