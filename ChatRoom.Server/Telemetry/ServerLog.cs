using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Telemetry;

/// <summary>The server's log messages, source-generated: structured fields, no formatting unless enabled.</summary>
public static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "{Nick} joined from {RemoteEndPoint}")]
    public static partial void Joined(ILogger logger, string nick, string? remoteEndPoint);

    [LoggerMessage(2, LogLevel.Information, "{Nick} left ({Reason}) from {RemoteEndPoint}")]
    public static partial void Left(ILogger logger, string nick, string reason, string? remoteEndPoint);

    [LoggerMessage(3, LogLevel.Debug, "Connection from {RemoteEndPoint} closed before joining ({Reason})")]
    public static partial void ClosedBeforeJoining(ILogger logger, string? remoteEndPoint, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Refused connection from {RemoteEndPoint}: {Reason}")]
    public static partial void Refused(ILogger logger, string? remoteEndPoint, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Disconnecting {Nick} at {RemoteEndPoint}, not keeping up ({Rule}): {Detail}")]
    public static partial void SlowConsumer(ILogger logger, string? nick, string? remoteEndPoint, string rule, string detail);

    [LoggerMessage(6, LogLevel.Debug, "Refused input from {Nick} at {RemoteEndPoint}: {Code}")]
    public static partial void RefusedInput(ILogger logger, string? nick, string? remoteEndPoint, string code);

    [LoggerMessage(7, LogLevel.Information, "{OldNick} is now {NewNick}")]
    public static partial void Renamed(ILogger logger, string oldNick, string newNick);

    [LoggerMessage(8, LogLevel.Error, "Session at {RemoteEndPoint} failed")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string? remoteEndPoint);

    [LoggerMessage(9, LogLevel.Information, "Connections went from {Baseline} to {Open} (at most {Highest}): full collection in {PauseMs:F0} ms, resident memory {RssBeforeMiB:F0} -> {RssAfterMiB:F0} MiB")]
    public static partial void MemoryReclaimed(ILogger logger, int baseline, int highest, int open, double pauseMs, double rssBeforeMiB, double rssAfterMiB);

    [LoggerMessage(10, LogLevel.Warning, "Flood control is off (Chat:Flood:Enabled=false): any client may send as fast as it likes. Meant for load tests only")]
    public static partial void FloodControlOff(ILogger logger);
}
