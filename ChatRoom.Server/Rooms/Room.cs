using System.Diagnostics;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Telemetry;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// The room: who is in it under which nickname, and the one order of everything said in it.
/// Every change and every room-wide event happens under one lock that assigns the event its id, so all
/// members see the same sequence. Holding the lock costs one non-blocking enqueue per member:
/// nothing in here ever waits for a client.
/// </summary>
public sealed class Room : IBroadcastSink
{
    public const string Name = "lobby";

    /// <summary>What every client is told when the server stops.</summary>
    public static readonly ChatEvent ShutdownNotice =
        new() { Kind = ChatEventKind.System, Code = "shutdown", Text = "Server is shutting down." };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, IRoomMember> _byNicknameKey = new(StringComparer.Ordinal);
    private readonly List<IRoomMember> _members = [];
    private readonly IBroadcastBus _bus;
    private readonly ChatMetrics _metrics;
    private readonly TimeProvider _clock;
    private long _lastId;
    private bool _closed;

    public Room(IBroadcastBus bus, ChatMetrics metrics, TimeProvider clock)
    {
        _bus = bus;
        _metrics = metrics;
        _clock = clock;
        bus.Subscribe(this);
        metrics.ObserveSendQueues(QueuedBytes);
    }

    /// <summary>Whether the room has closed (<see cref="Close"/>): the server is stopping, and nothing more is said in it.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Admits <paramref name="member"/> as <paramref name="nickname"/> (already normalized) unless the name
    /// is taken. The newcomer gets <paramref name="welcome"/> first, then everyone sees the join.
    /// </summary>
    public JoinResult TryJoin(IRoomMember member, string nickname, ChatEvent welcome)
    {
        var key = NicknameRules.Key(nickname);
        lock (_gate)
        {
            if (_closed)
            {
                return JoinResult.Closed;
            }

            if (!_byNicknameKey.TryAdd(key, member))
            {
                return JoinResult.NicknameInUse;
            }

            member.Nickname = nickname;
            _members.Add(member);
            member.Send(new EncodedEvent(welcome with { Time = _clock.GetUtcNow() }));
            Publish(new ChatEvent { Kind = ChatEventKind.Join, From = nickname });
        }

        _metrics.UserJoined();
        return JoinResult.Joined;
    }

    /// <summary>
    /// Removes a member; the others see it leave with <paramref name="code"/> as the reason, unless
    /// <paramref name="announce"/> is false or the room is closed (at shutdown everyone goes at once and has been told why).
    /// </summary>
    public void Leave(IRoomMember member, string code, bool announce = true)
    {
        lock (_gate)
        {
            if (member.Nickname is not { } nickname || !_members.Remove(member))
            {
                return;
            }

            _byNicknameKey.Remove(NicknameRules.Key(nickname));
            if (announce && !_closed)
            {
                Publish(new ChatEvent { Kind = ChatEventKind.Leave, From = nickname, Code = code });
            }
        }

        _metrics.UserLeft();
    }

    /// <summary>
    /// Broadcasts a message or action from <paramref name="sender"/> to everyone, the sender included; null when the
    /// room is closed (the server is stopping) and nothing more is said.
    /// </summary>
    public BroadcastReceipt? Say(IRoomMember sender, ChatEventKind kind, string text, TraceContext trace, long receivedTimestamp)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            var id = Publish(new ChatEvent
            {
                Kind = kind,
                From = sender.Nickname,
                Text = text,
                Traceparent = trace.Traceparent,
                Tracestate = trace.Tracestate,
            }, receivedTimestamp);
            return new BroadcastReceipt(id, _members.Count);
        }
    }

    /// <summary>Renames a member; false when the new name belongs to someone else.</summary>
    public bool TryRename(IRoomMember member, string newNickname)
    {
        var newKey = NicknameRules.Key(newNickname);
        lock (_gate)
        {
            if (_closed || member.Nickname is not { } oldNickname)
            {
                return false;
            }

            if (_byNicknameKey.TryGetValue(newKey, out var holder) && !ReferenceEquals(holder, member))
            {
                return false;
            }

            _byNicknameKey.Remove(NicknameRules.Key(oldNickname));
            _byNicknameKey[newKey] = member;
            member.Nickname = newNickname;
            Publish(new ChatEvent { Kind = ChatEventKind.Rename, From = oldNickname, Nick = newNickname });
            return true;
        }
    }

    /// <summary>
    /// Sends a private message to the member called <paramref name="target"/> and a confirmation to the sender.
    /// Returns the target's nickname as it is written, or null when nobody has that name.
    /// </summary>
    public string? Whisper(IRoomMember sender, string target, string text, TraceContext trace, long receivedTimestamp)
    {
        lock (_gate)
        {
            if (_closed || !_byNicknameKey.TryGetValue(NicknameRules.Key(target), out var recipient))
            {
                return null;
            }

            var whisper = Stamp(new ChatEvent
            {
                Kind = ChatEventKind.Private,
                From = sender.Nickname,
                To = recipient.Nickname,
                Text = text,
                Traceparent = trace.Traceparent,
                Tracestate = trace.Tracestate,
            });
            recipient.Send(new EncodedEvent(whisper, receivedTimestamp, recipient.Nickname));
            if (!ReferenceEquals(recipient, sender))
            {
                sender.Send(new EncodedEvent(whisper, receivedTimestamp, sender.Nickname));
            }

            return recipient.Nickname;
        }
    }

    /// <summary>
    /// Shutdown: nothing more is said in the room, and every member gets <see cref="ShutdownNotice"/> after everything
    /// already said, so all members see the same last messages. Joins, messages, renames and whispers are refused from now on.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            var notice = new EncodedEvent(ShutdownNotice with { Time = _clock.GetUtcNow() });
            foreach (var member in _members)
            {
                member.Send(notice);
            }
        }
    }

    /// <summary>The nicknames in the room, in the order they joined.</summary>
    public IReadOnlyList<string> Who()
    {
        lock (_gate)
        {
            return _members.ConvertAll(m => m.Nickname!);
        }
    }

    /// <summary>Delivers a room event to every local member, in the order the bus hands them over.</summary>
    public void Deliver(EncodedEvent roomEvent)
    {
        lock (_gate)
        {
            foreach (var member in _members)
            {
                member.Send(roomEvent);
            }

            _metrics.Broadcast(_members.Count, roomEvent.ReceivedTimestamp);
        }
    }

    /// <summary>Adds what every member is owed now to <paramref name="into"/>, for <see cref="DeliveryMonitor"/>.</summary>
    public void CollectDelivery(List<MemberDelivery> into)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            foreach (var member in _members)
            {
                into.Add(new MemberDelivery(member, member.GetDeliveryState(now)));
            }
        }
    }

    private long Publish(ChatEvent draft, long receivedTimestamp = 0)
    {
        var stamped = Stamp(draft);
        _bus.Publish(new EncodedEvent(stamped, receivedTimestamp));
        return stamped.Id!.Value;
    }

    private ChatEvent Stamp(ChatEvent draft) =>
        draft with { Id = ++_lastId, Time = _clock.GetUtcNow(), Room = Name };

    private long QueuedBytes()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            long total = 0;
            foreach (var member in _members)
            {
                total += member.GetDeliveryState(now).QueuedBytes;
            }

            return total;
        }
    }
}
