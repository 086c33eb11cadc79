using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatRoom.Server.Backplane;

/// <summary>
/// The room shared through Redis (docs/scaling.md). One stream per room holds the one order: the server a client talks
/// to appends (a Lua script gives the event its id and, for a join or a rename, claims the nickname in the same step);
/// every server reads the stream from its last position on a connection of its own and delivers each entry to its
/// members, its own lines included (RedisRoomBackplane.Link.cs). Appends go through the connection Aspire's client
/// integration registers (<c>AddRedisClient("redis")</c>: its health check, logging and tracing), which keeps each
/// sender's commands in the order they were issued, so nothing here awaits a line before reading the next one.
/// </summary>
public sealed partial class RedisRoomBackplane : BackgroundService, IRoomBackplane
{
    private readonly IServiceProvider _services;
    private readonly BackplaneOptions _options;
    private readonly int _historyLines;
    private readonly RoomKeys _keys;
    private readonly string _serverId;
    private readonly BackplaneMetrics _metrics;
    private readonly ILogger<RedisRoomBackplane> _logger;
    private readonly TimeProvider _clock;

    // Leaves that could not be appended while Redis was unreachable: announced once the link is back.
    private readonly ConcurrentQueue<(BackplaneMember Member, ChatEvent Leave)> _unannouncedLeaves = new();

    private volatile IConnectionMultiplexer? _connection;

    public RedisRoomBackplane(IServiceProvider services, IOptions<ChatOptions> options, ServerIdentity identity,
        BackplaneMetrics metrics, ILogger<RedisRoomBackplane> logger, TimeProvider clock)
    {
        _services = services;
        _options = options.Value.Backplane;
        _historyLines = options.Value.HistoryLines;
        _keys = new RoomKeys(_options.KeyPrefix, Room.Name);
        _serverId = identity.Id;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
    }

    public async Task<bool> JoinAsync(BackplaneMember member, ChatEvent join)
    {
        var result = (long)await EvaluateAsync("join", RoomScripts.Join,
            [_keys.Members, _keys.Sequence, _keys.Events, _keys.MembersOf(_serverId), _keys.Servers],
            [NicknameRules.Key(member.Nickname), member.Nickname, _serverId, member.Token, Json(join), _options.StreamLength, Traceparent()])
            .ConfigureAwait(false);
        return result == -1
            ? throw new RoomUnavailableException("this server is not registered with the room (its heartbeat lapsed); it registers again within a heartbeat")
            : result != 0;
    }

    public void Leave(BackplaneMember member, ChatEvent leave) => _ = LeaveOrLaterAsync(member, leave);

    public Task AppendAsync(ChatEvent roomEvent) =>
        EvaluateAsync("append", RoomScripts.Say, [_keys.Sequence, _keys.Events], [Json(roomEvent), _options.StreamLength, Traceparent()]);

    public async Task<bool> RenameAsync(BackplaneMember member, ChatEvent rename)
    {
        var result = (long)await EvaluateAsync("rename", RoomScripts.Rename,
            [_keys.Members, _keys.Sequence, _keys.Events, _keys.MembersOf(_serverId)],
            [NicknameRules.Key(member.Nickname), NicknameRules.Key(rename.Nick!), _serverId, member.Token, rename.Nick, Json(rename), _options.StreamLength, Traceparent()])
            .ConfigureAwait(false);
        return result < 0
            ? throw new RoomUnavailableException("this server's claim on the nickname was lost while it was cut off from the room")
            : result > 0;
    }

    public async Task<string?> WhisperAsync(BackplaneMember sender, string target, ChatEvent whisper)
    {
        var result = await EvaluateAsync("whisper", RoomScripts.Whisper,
            [_keys.Members, _keys.Sequence, _keys.Events],
            [NicknameRules.Key(target), _serverId, sender.Token, Json(whisper), _options.StreamLength, Traceparent()])
            .ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

    public async Task<IReadOnlyList<string>> WhoAsync()
    {
        RedisValue[] holders;
        try
        {
            holders = await Connection().GetDatabase().HashValuesAsync(_keys.Members).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw Unavailable("who", e);
        }

        var joined = new List<(long JoinId, string Nickname)>(holders.Length);
        foreach (var holder in holders)
        {
            var fields = ((string)holder!).Split('\t', 4);
            joined.Add((long.Parse(fields[0], CultureInfo.InvariantCulture), fields[3]));
        }

        joined.Sort(static (x, y) => x.JoinId.CompareTo(y.JoinId));
        return joined.ConvertAll(static member => member.Nickname);
    }

    private async Task LeaveOrLaterAsync(BackplaneMember member, ChatEvent leave)
    {
        try
        {
            await AnnounceLeaveAsync(member, leave).ConfigureAwait(false);
        }
        catch (RoomUnavailableException)
        {
            _unannouncedLeaves.Enqueue((member, leave));
        }
    }

    private Task<RedisResult> AnnounceLeaveAsync(BackplaneMember member, ChatEvent leave) =>
        EvaluateAsync("leave", RoomScripts.Leave,
            [_keys.Members, _keys.Sequence, _keys.Events, _keys.MembersOf(_serverId)],
            [NicknameRules.Key(member.Nickname), _serverId, member.Token, Json(leave), _options.StreamLength]);

    /// <summary>
    /// Runs a script on the shared connection. EVAL with the script's text, not EVALSHA: after a Redis restart an
    /// EVALSHA fails with NOSCRIPT, and the client's retry of it could overtake the same sender's next line.
    /// </summary>
    private async Task<RedisResult> EvaluateAsync(string operation, string script, RedisKey[] keys, RedisValue[] arguments)
    {
        var connection = Connection();
        var command = new object[2 + keys.Length + arguments.Length];
        command[0] = script;
        command[1] = keys.Length;
        keys.CopyTo(command, 2);
        for (var i = 0; i < arguments.Length; i++)
        {
            command[2 + keys.Length + i] = arguments[i];
        }

        try
        {
            return await connection.GetDatabase().ExecuteAsync("EVAL", command).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw Unavailable(operation, e);
        }
    }

    private IConnectionMultiplexer Connection() =>
        _connection ?? throw new RoomUnavailableException("this server has not reached the room's Redis yet");

    private RoomUnavailableException Unavailable(string operation, RedisException e)
    {
        _metrics.Failed(operation, e.GetType().Name);
        BackplaneLog.OperationFailed(_logger, operation, e.Message);
        return new RoomUnavailableException($"the room's Redis did not answer: {e.Message}", e);
    }

    private static byte[] Json(ChatEvent roomEvent) => JsonSerializer.SerializeToUtf8Bytes(roomEvent, ChatJsonContext.Default.ChatEvent);

    private static RedisValue Traceparent() => ChatTracing.CurrentTraceparent() ?? RedisValue.EmptyString;
}
