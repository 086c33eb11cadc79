namespace ChatRoom.LoadGen.Reporting;

/// <summary>
/// The storm campaign: the server's resident memory (VmRSS) before, after each round of connections that joined and
/// were reset at once, and after a longer settle; and whether <c>/who</c> then lists only those who stayed.
/// </summary>
public sealed record StormFigures(
    int Rounds,
    int ConnectionsPerRound,
    int Primers,
    double BaselineRssMiB,
    IReadOnlyList<double> RoundRssMiB,
    double FinalRssMiB,
    double FinalSettleSeconds,
    int? WhoCount,
    bool WhoListsOnlyThoseWhoStayed);

/// <summary>The shutdown campaign: SIGTERM with every client joined and reading.</summary>
public sealed record ShutdownFigures(
    int Clients,
    double? ExitSeconds,
    int? ExitCode,
    double? AllClosedSeconds,
    int Closed,
    int GotShutdownLineLast);

/// <summary>The flood campaign: what one client writing as fast as it can gets broadcast under the default flood settings.</summary>
public sealed record FloodFigures(
    int LinesWritten,
    int LinesBroadcast,
    double? DisconnectSeconds,
    double? BroadcastLinesPerSecond,
    string? LastError,
    bool ObserverSawLeave);
