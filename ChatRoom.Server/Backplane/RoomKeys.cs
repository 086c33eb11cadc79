using StackExchange.Redis;

namespace ChatRoom.Server.Backplane;

/// <summary>
/// The Redis keys of one room. Every name carries the room in braces, a Redis Cluster hash tag, so that all of a room's
/// keys live on one node and each script can touch them together (docs/scaling.md).
/// </summary>
public sealed class RoomKeys(string prefix, string room)
{
    private readonly string _root = $"{prefix}:{{{room}}}:";

    /// <summary>The room's one order: a stream whose entries are the room's events.</summary>
    public RedisKey Events => _root + "events";

    /// <summary>The last event id given out (INCR).</summary>
    public RedisKey Sequence => _root + "seq";

    /// <summary>Who holds which nickname: a hash from the nickname's key (its folded skeleton) to its holder.</summary>
    public RedisKey Members => _root + "members";

    /// <summary>The servers sharing the room: a set of server ids.</summary>
    public RedisKey Servers => _root + "servers";

    /// <summary>The nickname keys a server's members hold: a set, for announcing them when the server goes.</summary>
    public RedisKey MembersOf(string serverId) => _root + "server:" + serverId + ":members";

    /// <summary>A server's heartbeat: a key that expires unless the server renews it.</summary>
    public RedisKey AliveKeyOf(string serverId) => _root + "server:" + serverId + ":alive";
}
