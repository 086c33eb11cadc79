namespace ChatRoom.Server.Rooms;

/// <summary>What the room needs of a connected client.</summary>
public interface IRoomMember
{
    /// <summary>The member's nickname; null before it joins. Set only by the room, under its lock.</summary>
    string? Nickname { get; set; }

    /// <summary>Bytes waiting in the member's send queue.</summary>
    long QueuedBytes { get; }

    /// <summary>Queues an event for the member without waiting; a member that cannot keep up disconnects itself.</summary>
    void Send(EncodedEvent chatEvent);

    /// <summary>Disconnects the member if a write to it has been stuck longer than <paramref name="writeTimeout"/>.</summary>
    void CheckWriteTimeout(long now, TimeSpan writeTimeout);
}
