namespace ChatRoom.Server.Rooms;

/// <summary>
/// What one member is owed at a moment: <see cref="QueuedBytes"/> not yet taken by its socket, how long the oldest of
/// them has waited (<see cref="Lag"/>: how far behind the room it is), and how long the flush under way has waited
/// for the socket to take anything (<see cref="FlushPending"/>).
/// </summary>
public readonly record struct DeliveryState(long QueuedBytes, TimeSpan Lag, TimeSpan FlushPending);
