/// <summary>A dashboard command could not do what it was asked; the message is shown to the person who ran it.</summary>
internal sealed class ChatCommandException(string message) : Exception(message);
