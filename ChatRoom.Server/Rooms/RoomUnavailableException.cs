namespace ChatRoom.Server.Rooms;

/// <summary>
/// The backplane cannot be reached: what was asked of the room was not done. The client is told so with the error code
/// <c>room_unavailable</c> (docs/protocol.md).
/// </summary>
public sealed class RoomUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
