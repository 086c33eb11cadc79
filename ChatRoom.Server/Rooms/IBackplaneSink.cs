namespace ChatRoom.Server.Rooms;

/// <summary>This server's part of a room shared through a backplane: its members, and the events it delivers to them.</summary>
public interface IBackplaneSink
{
    /// <summary>
    /// Delivers <paramref name="roomEvent"/>, in the backplane's one order. <paramref name="origin"/> is the token of the
    /// member of this server that caused it (its join, rename or private message), <paramref name="recipient"/> that of
    /// the member of this server a private message is for; 0 when the member is on another server.
    /// </summary>
    void Deliver(EncodedEvent roomEvent, long origin, long recipient);

    /// <summary>The messages and actions said before this server's first event, oldest first: its newcomers' history.</summary>
    void RememberHistory(IReadOnlyList<EncodedEvent> history);

    /// <summary>This server's members that hold a nickname, to claim again after the server was cut off too long.</summary>
    IReadOnlyList<BackplaneMember> Members();

    /// <summary>The member's nickname went to someone else while this server was cut off: it is no longer in the room.</summary>
    void LostNickname(long token);
}
