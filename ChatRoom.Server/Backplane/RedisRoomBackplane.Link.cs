using System.Diagnostics;
using System.Globalization;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatRoom.Server.Backplane;

/// <summary>
/// The server's link to the room: one loop, on a connection of its own, that reads the stream (<c>XREAD BLOCK</c> from
/// the last position), renews the heartbeat, retires servers whose heartbeat expired, and announces the leaves that
/// waited for Redis. When Redis cannot be reached the loop retries, and resumes from its last position: nothing is
/// delivered twice, skipped or out of order.
/// </summary>
public sealed partial class RedisRoomBackplane
{
    // Entries read at once: one read's entries reach each member in one flush (DrainBatch).
    private const int ReadBatch = 512;

    // How far back a starting server looks for the history it gives newcomers.
    private const int MaxEntriesScannedForHistory = 10_000;

    private static readonly TimeSpan MaxBlock = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetireTimeout = TimeSpan.FromSeconds(3);

    private ConnectionMultiplexer? _reader;
    private IConnectionMultiplexer? _shared;
    private IBackplaneSink? _sink;
    private string? _position;
    private long _lastId;
    private long _linkedSince;
    private long _lastBeat;
    private long _lastSweep;
    private bool _registeredBefore;
    private bool _mustRejoin;
    private volatile bool _linked;

    /// <summary>Whether this server reads the room's stream now; false while Redis cannot be reached.</summary>
    public bool IsLinked => _linked && _connection?.IsConnected == true;

    public void Subscribe(IBackplaneSink sink) => _sink = sink;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start-up goes on while the first connection is made
        _ = _services.GetRequiredService<Room>(); // the room subscribes itself
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var reader = await ConnectAsync().ConfigureAwait(false);
                await BeatIfDueAsync(reader).ConfigureAwait(false);
                if (_position is null)
                {
                    await StartReadingAsync(reader).ConfigureAwait(false);
                }

                // Clients may change the room only from now on: what they append comes after the position reading starts from.
                _connection ??= _shared;

                if (!_linked)
                {
                    _linked = true;
                    _linkedSince = Stopwatch.GetTimestamp();
                    if (failures > 0)
                    {
                        _metrics.Reconnected();
                    }

                    BackplaneLog.Linked(_logger, _serverId, _position!, failures);
                    failures = 0;
                }

                await ReadAsync(reader, stoppingToken).ConfigureAwait(false);
                await SweepIfDueAsync(reader).ConfigureAwait(false);
                await AnnounceWaitingLeavesAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or RoomUnavailableException or TimeoutException)
            {
                failures++;
                _metrics.Failed("read", e.GetType().Name);
                if (_linked || failures == 1)
                {
                    BackplaneLog.Unlinked(_logger, _serverId, e.Message);
                }

                _linked = false;
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * failures, MaxRetryDelay.TotalMilliseconds)), _clock, stoppingToken)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Leaves the room at shutdown: this server's members are announced as left (code <c>shutdown</c>) and its
    /// nicknames and heartbeat are removed, so the other servers need not wait for its heartbeat to expire.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_connection is { IsConnected: true })
        {
            try
            {
                var left = (long)await RetireAsync(_connection.GetDatabase(), _serverId, "shutdown", onlyIfDead: false)
                    .WaitAsync(RetireTimeout, cancellationToken).ConfigureAwait(false);
                BackplaneLog.Retired(_logger, _serverId, left, "shutdown");
            }
            catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
            {
                BackplaneLog.OperationFailed(_logger, "retire", e.Message);
            }
        }

        if (_reader is { } reader)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The shared connection (Aspire's, made on first use) and the reader's own: a blocking read holds its connection
    /// until it returns, and Aspire's tracing would record every one of them as a span. Both are made from the same
    /// configuration and reconnect by themselves; a command meanwhile fails at once (BacklogPolicy.FailFast).
    /// </summary>
    private async Task<IDatabase> ConnectAsync()
    {
        _shared ??= await Task.Run(_services.GetRequiredService<IConnectionMultiplexer>).ConfigureAwait(false);
        if (_reader is null)
        {
            var options = _services.GetRequiredService<IOptionsMonitor<ConfigurationOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName).Clone();
            options.ClientName = $"{options.ClientName}-reader";
            _reader = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }

        return _reader.GetDatabase();
    }

    private async Task BeatIfDueAsync(IDatabase reader)
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastBeat != 0 && Stopwatch.GetElapsedTime(_lastBeat, now) < _options.HeartbeatInterval)
        {
            return;
        }

        var added = (long)await reader.ExecuteAsync("EVAL", RoomScripts.Heartbeat, 2, _keys.AliveKeyOf(_serverId), _keys.Servers,
            _serverId, (long)_options.ServerTimeout.TotalMilliseconds).ConfigureAwait(false);
        _lastBeat = now;
        // A survivor retired this server while it was cut off: its members were announced as left. Until every one is
        // claimed again, each pass tries (a claim that succeeded is not made twice).
        _mustRejoin |= added == 1 && _registeredBefore;
        _registeredBefore = true;
        if (_mustRejoin && _connection is not null)
        {
            await RejoinAsync().ConfigureAwait(false);
            _mustRejoin = false;
        }
    }

    /// <summary>Claims every member's nickname again after this server was retired; a member whose name was taken meanwhile loses it.</summary>
    private async Task RejoinAsync()
    {
        foreach (var member in _sink!.Members())
        {
            var join = new ChatEvent { Kind = ChatEventKind.Join, From = member.Nickname, Time = _clock.GetUtcNow(), Room = Room.Name };
            if (!await JoinAsync(member, join).ConfigureAwait(false))
            {
                _sink.LostNickname(member.Token);
            }
        }
    }

    /// <summary>
    /// Where a starting server begins: after the stream's last entry. The messages and actions before it are the
    /// history its first newcomers get; they survive any server's restart because the stream keeps them.
    /// </summary>
    private async Task StartReadingAsync(IDatabase reader)
    {
        var history = new List<EncodedEvent>();
        string? newest = null;
        RedisValue before = "+";
        var scanned = 0;
        do
        {
            var page = await reader.StreamRangeAsync(_keys.Events, "-", before, Math.Max(_historyLines, 1), Order.Descending).ConfigureAwait(false);
            if (page.Length == 0)
            {
                break;
            }

            foreach (var entry in page)
            {
                var parsed = RoomStreamEntry.Parse(entry, _serverId);
                if (newest is null)
                {
                    newest = parsed.StreamId;
                    _lastId = parsed.Event.Id!.Value;
                }

                if (history.Count < _historyLines && parsed.Event.Kind is ChatEventKind.Message or ChatEventKind.Action)
                {
                    history.Add(new EncodedEvent(parsed.Event));
                }
            }

            scanned += page.Length;
            before = "(" + page[^1].Id;
        }
        while (history.Count < _historyLines && scanned < MaxEntriesScannedForHistory);

        history.Reverse();
        _sink!.RememberHistory(history);
        _position = newest ?? "0-0";
    }

    /// <summary>Reads what was appended after the last position and delivers it, waiting up to a second for something new.</summary>
    private async Task ReadAsync(IDatabase reader, CancellationToken stoppingToken)
    {
        var block = _options.HeartbeatInterval < MaxBlock ? _options.HeartbeatInterval : MaxBlock;
        var result = await reader.ExecuteAsync("XREAD", "COUNT", ReadBatch, "BLOCK", (long)block.TotalMilliseconds, "STREAMS", _keys.Events, _position!)
            .WaitAsync(stoppingToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return;
        }

        var entries = (RedisResult[])((RedisResult[])((RedisResult[])result!)[0]!)[1]!;

        // Every member gets all of this read's entries in one flush.
        using var held = DrainBatch.Open();
        foreach (var raw in entries)
        {
            var parts = (RedisResult[])raw!;
            Deliver(RoomStreamEntry.Parse((string)parts[0]!, (RedisResult[])parts[1]!, _serverId));
        }
    }

    private void Deliver(RoomStreamEntry entry)
    {
        var id = entry.Event.Id!.Value;
        if (_lastId != 0 && id != _lastId + 1)
        {
            // The ids are consecutive: a jump means entries were trimmed before this server could read them (it was cut
            // off longer than the stream's length lasts), a step back that Redis lost its data.
            _metrics.Failed("read", id > _lastId ? "gap" : "sequence_restarted");
            BackplaneLog.Discontinuity(_logger, _lastId, id);
        }

        _lastId = id;
        _position = entry.StreamId;
        using (ChatTracing.StartReceive(Room.Name, entry.Traceparent, id, _serverId))
        {
            _sink!.Deliver(new EncodedEvent(entry.Event), entry.Origin, entry.Recipient);
        }

        _metrics.Delivered(_clock.GetUtcNow() - entry.Event.Time);
    }

    /// <summary>
    /// Retires the servers whose heartbeat has expired. Only once this server has itself been linked for a whole
    /// heartbeat lifetime: after Redis comes back, every server gets that long to renew its heartbeat first.
    /// </summary>
    private async Task SweepIfDueAsync(IDatabase reader)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_linkedSince, now) < _options.ServerTimeout
            || (_lastSweep != 0 && Stopwatch.GetElapsedTime(_lastSweep, now) < _options.HeartbeatInterval))
        {
            return;
        }

        _lastSweep = now;
        foreach (var server in await reader.SetMembersAsync(_keys.Servers).ConfigureAwait(false))
        {
            var id = (string)server!;
            if (id != _serverId && !await reader.KeyExistsAsync(_keys.AliveKeyOf(id)).ConfigureAwait(false))
            {
                var left = (long)await RetireAsync(reader, id, "dropped", onlyIfDead: true).ConfigureAwait(false);
                if (left >= 0)
                {
                    BackplaneLog.Retired(_logger, id, left, "its heartbeat expired");
                }
            }
        }
    }

    private Task<RedisResult> RetireAsync(IDatabase database, string serverId, string code, bool onlyIfDead) =>
        database.ExecuteAsync("EVAL", RoomScripts.Retire, 6,
            _keys.AliveKeyOf(serverId), _keys.MembersOf(serverId), _keys.Members, _keys.Sequence, _keys.Events, _keys.Servers,
            serverId, code, _options.StreamLength, onlyIfDead ? 1 : 0, _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), Room.Name);

    private async Task AnnounceWaitingLeavesAsync()
    {
        while (_unannouncedLeaves.TryPeek(out var waiting))
        {
            await AnnounceLeaveAsync(waiting.Member, waiting.Leave).ConfigureAwait(false);
            _unannouncedLeaves.TryDequeue(out _);
        }
    }
}
