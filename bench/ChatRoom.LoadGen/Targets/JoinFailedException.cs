namespace ChatRoom.LoadGen.Targets;

/// <summary>The server answered a joining client with something other than admission.</summary>
public sealed class JoinFailedException(string message) : Exception(message);
