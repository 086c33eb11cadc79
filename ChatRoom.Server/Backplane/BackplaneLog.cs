using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Backplane;

/// <summary>The backplane's log messages, source-generated.</summary>
public static partial class BackplaneLog
{
    [LoggerMessage(101, LogLevel.Information, "Server {ServerId} reads the room's stream from {Position} (after {Failures} failed attempts)")]
    public static partial void Linked(ILogger logger, string serverId, string position, int failures);

    [LoggerMessage(102, LogLevel.Warning, "Server {ServerId} cannot reach the room's Redis; the room is unavailable to its clients until it can: {Reason}")]
    public static partial void Unlinked(ILogger logger, string serverId, string reason);

    [LoggerMessage(103, LogLevel.Debug, "Backplane {Operation} failed: {Reason}")]
    public static partial void OperationFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(104, LogLevel.Information, "Retired server {ServerId} ({Why}): {Left} of its members announced as left")]
    public static partial void Retired(ILogger logger, string serverId, long left, string why);

    [LoggerMessage(105, LogLevel.Warning, "The room's stream jumped from event {LastId} to {Id}: events were trimmed before this server read them, or Redis lost its data")]
    public static partial void Discontinuity(ILogger logger, long lastId, long id);
}
