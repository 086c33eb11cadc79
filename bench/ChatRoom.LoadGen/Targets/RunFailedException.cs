namespace ChatRoom.LoadGen.Targets;

/// <summary>A run cannot go on: its server exited, or a step did not finish in time. The message says which.</summary>
public sealed class RunFailedException(string message) : Exception(message);
