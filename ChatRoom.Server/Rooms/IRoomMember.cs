namespace ChatRoom.Server.Rooms;

/// <summary>What the room needs of a connected client.</summary>
public interface IRoomMember
{
    /// <summary>The member's nickname; null before it joins. Set only by the room, under its lock.</summary>
    string? Nickname { get; set; }

    /// <summary>What the member is owed at <paramref name="now"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    DeliveryState GetDeliveryState(long now);

    /// <summary>Queues an event for the member without waiting; a member owed more than its hard cap disconnects itself.</summary>
    void Send(EncodedEvent chatEvent);

    /// <summary>Disconnects the member for not keeping up, telling it why first when its socket still takes bytes.</summary>
    void Disconnect(SlowConsumerVerdict verdict);
}
