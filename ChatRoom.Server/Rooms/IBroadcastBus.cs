namespace ChatRoom.Server.Rooms;

/// <summary>
/// The one seam room-wide events pass through on their way to members. The in-process bus hands each
/// event straight back to the local room; a distributed backplane (Redis, NATS, ...) would implement this
/// to carry the already-sequenced, already-encoded event to every node, each delivering to its own members.
/// Sessions never see this interface.
/// </summary>
public interface IBroadcastBus
{
    /// <summary>Registers the room on this node that delivers events to its local members.</summary>
    void Subscribe(IBroadcastSink sink);

    /// <summary>Sends a room event to every node, in the order of calls. Must not wait for any client.</summary>
    void Publish(EncodedEvent roomEvent);
}
