namespace ChatRoom.Server.Rooms;

/// <summary>The backplane cannot be reached: what was asked of the room was not done.</summary>
public sealed class RoomUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The error code a client is told (docs/protocol.md).</summary>
    public const string Code = "room_unavailable";
}
