using Microsoft.Extensions.Logging;

namespace ChatRoom.Client.Telemetry;

/// <summary>The client's log messages, source-generated with structured fields.</summary>
public static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "{Nick} joined {Server}")]
    public static partial void Joined(ILogger logger, string nick, string server);

    [LoggerMessage(2, LogLevel.Warning, "{Nick} lost the connection to {Server}: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string nick, string server, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Cannot join {Server} (attempt {Attempt}: {Reason}); trying again in {Delay}")]
    public static partial void RetryingJoin(ILogger logger, string server, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Information, "Nickname {Nick} is taken; trying another")]
    public static partial void NicknameTaken(ILogger logger, string nick);

    [LoggerMessage(5, LogLevel.Information, "{Nick} leaving {Server}: stopping")]
    public static partial void Stopping(ILogger logger, string nick, string server);

    [LoggerMessage(6, LogLevel.Warning, "{Nick} got an error from the server: {Error}")]
    public static partial void ServerError(ILogger logger, string nick, string error);
}
