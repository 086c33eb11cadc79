namespace ChatRoom.Client.Connection;

/// <summary>The server closed the connection, or it broke, while the client still needed it.</summary>
public sealed class ConnectionLostException(string message) : IOException(message);
