using System.ComponentModel.DataAnnotations;

namespace ChatRoom.Server.Options;

/// <summary>
/// <c>Chat:Backplane</c>: how a server shares the room with the other servers on the same Redis, used only when
/// <c>ConnectionStrings:redis</c> is set (docs/scaling.md).
/// </summary>
public sealed class BackplaneOptions
{
    /// <summary>
    /// The first part of every Redis key the room uses (<c>chatroom:{lobby}:events</c>, ...): servers that share a
    /// Redis and a prefix share the room.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "chatroom";

    /// <summary>
    /// About how many events the room's stream keeps (<c>XADD MAXLEN ~</c>): the history newcomers get comes from
    /// it, and a server cut off from Redis resumes from its last position only while that position is still kept.
    /// </summary>
    [Range(100, 100_000_000)]
    public int StreamLength { get; set; } = 100_000;

    /// <summary>How often a server renews its heartbeat key and looks for servers whose heartbeat has expired.</summary>
    [DurationRange(minSeconds: 0.1, maxSeconds: 60)]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a server's heartbeat key lives: a server that has not renewed it for this long is taken for dead, and
    /// the first survivor to notice announces each of its users as left and frees their nicknames.
    /// </summary>
    [DurationRange(minSeconds: 0.5, maxSeconds: 600)]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
