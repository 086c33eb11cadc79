namespace ChatRoom.Server.Rooms;

/// <summary>A single-node bus: publishing is delivering, synchronously, in the caller's order.</summary>
public sealed class LocalBroadcastBus : IBroadcastBus
{
    private IBroadcastSink? _sink;

    public void Subscribe(IBroadcastSink sink) => _sink = sink;

    public void Publish(EncodedEvent roomEvent) => _sink?.Deliver(roomEvent);
}
