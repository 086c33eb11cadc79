using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// The room's last messages and actions, in the room's one order, for newcomers (<c>Chat:HistoryLines</c>). Keeping one
/// costs a slot in a ring per line said; the history form of a line (its original id and time, marked
/// <c>history</c>) is made and encoded once, when the first newcomer needs it, and shared by the later ones. Used under
/// the room's lock.
/// </summary>
public sealed class RoomHistory(int capacity)
{
    private readonly Entry[] _ring = new Entry[capacity];
    private int _next;
    private int _count;

    /// <summary>Keeps <paramref name="roomEvent"/> if it is a message or an action; the oldest line goes when the ring is full.</summary>
    public void Add(EncodedEvent roomEvent)
    {
        if (_ring.Length == 0 || roomEvent.Event.Kind is not (ChatEventKind.Message or ChatEventKind.Action))
        {
            return;
        }

        _ring[_next] = new Entry { Live = roomEvent };
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    /// <summary>Queues the history to <paramref name="member"/>, oldest first, in the form it reads.</summary>
    public void SendTo(IRoomMember member)
    {
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _ring[(_next - _count + i + _ring.Length) % _ring.Length];
            entry.Marked ??= new EncodedEvent(entry.Live!.Event with { History = true });
            member.Send(entry.Marked.SentAgain());
        }
    }

    private struct Entry
    {
        public EncodedEvent? Live;
        public EncodedEvent? Marked;
    }
}
