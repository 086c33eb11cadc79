namespace ChatRoom.Server.Rooms;

/// <summary>The rules by which a member that is not keeping up is disconnected (see <see cref="DeliveryPolicy"/>).</summary>
public enum SlowConsumerRule
{
    /// <summary>Its socket has taken no bytes for <c>Chat:WriteTimeout</c>.</summary>
    WriteTimeout,

    /// <summary>The oldest line it is owed is older than <c>Chat:MaxSendLag</c>.</summary>
    Lag,

    /// <summary>The server's budget for queued bytes (<c>Chat:MaxQueuedBytes</c>) ran out while it was furthest behind.</summary>
    Budget,

    /// <summary>It is owed more than <c>Chat:MaxSendQueueBytes</c>.</summary>
    QueueCap,
}
