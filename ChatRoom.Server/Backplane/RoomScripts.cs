namespace ChatRoom.Server.Backplane;

/// <summary>
/// The Lua scripts that change the shared room. Each runs atomically in Redis: a nickname claim and its join event, or
/// a message and its id, happen together or not at all, and the id (INCR) increases in the stream's order. A holder in
/// the members hash is <c>joinId TAB serverId TAB token TAB nickname</c>; every stream entry has the fields <c>id</c>
/// (the event's id) and <c>e</c> (the event as JSON, without its id), and, where a member of a server is concerned,
/// <c>srv</c> and <c>tok</c> (its server and token), <c>to</c>, <c>rsrv</c> and <c>rtok</c> (a private message's
/// recipient), <c>tp</c> (the trace context of the span that appended it).
/// </summary>
public static class RoomScripts
{
    // The shared start of the scripts that append: the next id, and the entry, trimmed to about the stream's length.
    private const string Append = """
        local function append(seq, events, maxlen, fields)
          local id = redis.call('INCR', seq)
          redis.call('XADD', events, 'MAXLEN', '~', maxlen, '*', 'id', id, unpack(fields))
          return id
        end
        local function holder(value)
          return string.match(value, '^(%d+)\t([^\t]*)\t(%d+)\t(.*)$')
        end

        """;

    /// <summary>
    /// KEYS members, seq, events, serverMembers, servers; ARGV key, nickname, serverId, token, json, maxlen, traceparent.
    /// Returns the join's id, 0 when the nickname is taken, -1 when this server is not registered (its heartbeat lapsed),
    /// -2 when this very member holds it already (a claim made again after this server was cut off: nothing to append).
    /// </summary>
    public const string Join = Append + """
        if redis.call('SISMEMBER', KEYS[5], ARGV[3]) == 0 then return -1 end
        local held = redis.call('HGET', KEYS[1], ARGV[1])
        if held then
          local _, server, token = holder(held)
          if server == ARGV[3] and token == ARGV[4] then return -2 end
          return 0
        end
        local id = append(KEYS[2], KEYS[3], ARGV[6], {'e', ARGV[5], 'srv', ARGV[3], 'tok', ARGV[4], 'tp', ARGV[7]})
        redis.call('HSET', KEYS[1], ARGV[1], id .. '\t' .. ARGV[3] .. '\t' .. ARGV[4] .. '\t' .. ARGV[2])
        redis.call('SADD', KEYS[4], ARGV[1])
        return id
        """;

    /// <summary>
    /// KEYS members, seq, events, serverMembers; ARGV key, serverId, token, json, maxlen. Frees the nickname and appends
    /// the leave when this server's member still holds it; returns the leave's id, or 0.
    /// </summary>
    public const string Leave = Append + """
        local value = redis.call('HGET', KEYS[1], ARGV[1])
        if not value then return 0 end
        local _, server, token = holder(value)
        if server ~= ARGV[2] or token ~= ARGV[3] then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('SREM', KEYS[4], ARGV[1])
        return append(KEYS[2], KEYS[3], ARGV[5], {'e', ARGV[4]})
        """;

    /// <summary>KEYS seq, events; ARGV json, maxlen, traceparent. Appends a message or action; returns its id.</summary>
    public const string Say = Append + """
        return append(KEYS[1], KEYS[2], ARGV[2], {'e', ARGV[1], 'tp', ARGV[3]})
        """;

    /// <summary>
    /// KEYS members, seq, events, serverMembers; ARGV oldKey, newKey, serverId, token, newNickname, json, maxlen,
    /// traceparent. Moves this server's member's claim to the new nickname (keeping its place in the join order) and
    /// appends the rename; returns its id, 0 when the new nickname is someone else's, -1 when the member holds nothing.
    /// </summary>
    public const string Rename = Append + """
        local value = redis.call('HGET', KEYS[1], ARGV[1])
        if not value then return -1 end
        local joined, server, token = holder(value)
        if server ~= ARGV[3] or token ~= ARGV[4] then return -1 end
        if ARGV[2] ~= ARGV[1] and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('SREM', KEYS[4], ARGV[1])
        redis.call('HSET', KEYS[1], ARGV[2], joined .. '\t' .. ARGV[3] .. '\t' .. ARGV[4] .. '\t' .. ARGV[5])
        redis.call('SADD', KEYS[4], ARGV[2])
        return append(KEYS[2], KEYS[3], ARGV[7], {'e', ARGV[6], 'srv', ARGV[3], 'tok', ARGV[4], 'tp', ARGV[8]})
        """;

    /// <summary>
    /// KEYS members, seq, events; ARGV targetKey, serverId, token, json, maxlen, traceparent. Appends a private message
    /// addressed to whoever holds the target nickname; returns that holder's nickname, or nil when nobody does.
    /// </summary>
    public const string Whisper = Append + """
        local value = redis.call('HGET', KEYS[1], ARGV[1])
        if not value then return false end
        local _, server, token, nickname = holder(value)
        append(KEYS[2], KEYS[3], ARGV[5], {'e', ARGV[4], 'srv', ARGV[2], 'tok', ARGV[3], 'to', nickname, 'rsrv', server, 'rtok', token, 'tp', ARGV[6]})
        return nickname
        """;

    /// <summary>
    /// KEYS alive, servers; ARGV serverId, ttlMilliseconds. Renews this server's heartbeat; returns 1 when the server
    /// was not registered (it has just started, or a survivor retired it while it was cut off).
    /// </summary>
    public const string Heartbeat = """
        local added = redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
        return added
        """;

    /// <summary>
    /// KEYS alive, serverMembers, members, seq, events, servers; ARGV serverId, code, maxlen, onlyIfDead, time, room.
    /// Retires a server: announces each of its members as left (with the code) and frees their nicknames. With
    /// onlyIfDead = 1 it does so only when the server's heartbeat has expired and nobody has retired it yet, so that of
    /// several survivors exactly one announces. Returns how many members left, or -1 when there was nothing to do.
    /// </summary>
    public const string Retire = Append + """
        if ARGV[4] == '1' then
          if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
          if redis.call('SREM', KEYS[6], ARGV[1]) == 0 then return -1 end
        else
          redis.call('SREM', KEYS[6], ARGV[1])
        end
        local left = 0
        for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          local value = redis.call('HGET', KEYS[3], key)
          if value then
            local _, server, _, nickname = holder(value)
            if server == ARGV[1] then
              redis.call('HDEL', KEYS[3], key)
              local e = cjson.encode({kind = 'leave', time = ARGV[5], room = ARGV[6], from = nickname, code = ARGV[2]})
              append(KEYS[4], KEYS[5], ARGV[3], {'e', e})
              left = left + 1
            end
          end
        end
        redis.call('DEL', KEYS[2], KEYS[1])
        return left
        """;
}
