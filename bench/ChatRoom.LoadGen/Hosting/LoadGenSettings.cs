using ChatRoom.LoadGen.Scenarios;

namespace ChatRoom.LoadGen.Hosting;

/// <summary>Which servers a run drives.</summary>
[Flags]
public enum TargetChoice
{
    ChatRoom = 1,
    Ncat = 2,
    Ngircd = 4,

    /// <summary>ChatRoom and ncat.</summary>
    Both = ChatRoom | Ncat,

    /// <summary>ChatRoom, ncat and ngIRCd.</summary>
    All = Both | Ngircd,
}

/// <summary>Everything the command line decides.</summary>
/// <param name="Scenarios">The scenarios to run, in order.</param>
/// <param name="Targets">The servers to run each scenario against.</param>
/// <param name="Warmup">Load before the measurement window opens.</param>
/// <param name="Duration">Length of the measurement window.</param>
/// <param name="SetupTimeout">Time allowed to start a server, connect, join and drain the join backlog.</param>
/// <param name="Deadline">The whole run, all scenarios included, stops after this long.</param>
/// <param name="MessageBytes">Size of each message body, in bytes.</param>
/// <param name="ServerPath">The built server: ChatRoom.Server.dll (Release), or a native executable.</param>
/// <param name="Ncat">The ncat executable.</param>
/// <param name="Ngircd">The ngircd executable.</param>
/// <param name="Output">Where the JSON results go.</param>
/// <param name="StormRounds">Rounds of the storm campaign.</param>
/// <param name="Servers">ChatRoom servers sharing one room through Redis; 1 is the single-process server.</param>
/// <param name="RedisServer">The redis-server executable the generator starts when <paramref name="Servers"/> is above 1.</param>
public sealed record LoadGenSettings(
    IReadOnlyList<Scenario> Scenarios,
    TargetChoice Targets,
    TimeSpan Warmup,
    TimeSpan Duration,
    TimeSpan SetupTimeout,
    TimeSpan Deadline,
    int MessageBytes,
    string ServerPath,
    string Ncat,
    string Ngircd,
    string Output,
    int StormRounds = 5,
    int Servers = 1,
    string RedisServer = "redis-server");
