using ChatRoom.Server.Rooms;

namespace ChatRoom.Benchmarks;

/// <summary>A room member that takes the plain bytes, as a session in plain mode does, and queues nothing.</summary>
public sealed class CountingMember : IRoomMember
{
    public string? Nickname { get; set; }

    /// <summary>Bytes handed over so far: keeps the encoding from being optimised away.</summary>
    public long TakenBytes { get; private set; }

    public void Send(EncodedEvent chatEvent) => TakenBytes += chatEvent.Plain.Length;

    public DeliveryState GetDeliveryState(long now) => default;

    public void Disconnect(SlowConsumerVerdict verdict)
    {
    }
}
