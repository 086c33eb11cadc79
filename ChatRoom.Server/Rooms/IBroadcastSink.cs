namespace ChatRoom.Server.Rooms;

/// <summary>Delivers a room event to the members connected to this node.</summary>
public interface IBroadcastSink
{
    void Deliver(EncodedEvent roomEvent);
}
