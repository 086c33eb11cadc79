using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Options;

/// <summary>
/// The <c>Chat</c> configuration section. Every key can be set in appsettings.json, as an environment
/// variable (<c>Chat__Port=6000</c>) or on the command line (<c>--Chat:Port 6000</c>).
/// </summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>Address both listeners bind: an IP address, <c>localhost</c>, or <c>*</c> for every IPv4 interface.</summary>
    [Required]
    [ListenAddress]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The chat (TCP line protocol) port; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 55555;

    /// <summary>The HTTP port serving <c>/health</c> and <c>/alive</c>; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 55556;

    /// <summary>Connections the HTTP (health) port serves at once; more are closed at once. A probe needs one or two.</summary>
    [Range(1, 10_000)]
    public int HealthMaxConnections { get; set; } = 16;

    /// <summary>Longest accepted line in bytes, not counting its line end.</summary>
    [Range(64, 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 4096;

    /// <summary>
    /// The hard cap on what one client may be owed before it is disconnected as a slow consumer: far above any burst
    /// the flood limits allow from a roomful of senders, so that only the lag and the budget below judge a reader.
    /// </summary>
    [Range(16 * 1024, 1024 * 1024 * 1024)]
    public int MaxSendQueueBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How long the oldest line a client is owed may wait before the client is disconnected as a slow consumer: long
    /// enough for a reader on a slow link to take a legal burst from many senders, short enough that a client which
    /// cannot keep up with the room is not kept half a minute behind it.
    /// </summary>
    [DurationRange(minSeconds: 1, maxSeconds: 3600)]
    public TimeSpan MaxSendLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The budget for everything owed to all clients together; when it runs out, the clients furthest behind are
    /// disconnected first, and if those keeping up alone exceed it, senders are slowed. Unset: a quarter of the memory
    /// available to the process (see <c>DeliveryLimits.DefaultBudget</c>).
    /// </summary>
    [Range(1024d * 1024, 1024d * 1024 * 1024 * 1024)]
    public long? MaxQueuedBytes { get; set; }

    /// <summary>Time a new connection has to choose an accepted nickname.</summary>
    [DurationRange(minSeconds: 1, maxSeconds: 3600)]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once, handshaking ones included; the next one gets <c>ERR server is full</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxClients { get; set; } = 10_000;

    /// <summary>Connections from one IP address at once; loopback is exempt unless <see cref="LimitLoopback"/>.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>Apply <see cref="MaxConnectionsPerAddress"/> to loopback clients too (local load tests need it off).</summary>
    public bool LimitLoopback { get; set; }

    /// <summary>
    /// Idle time after which the kernel starts TCP keep-alive probes (every <see cref="KeepAliveInterval"/>, 3 of them),
    /// so a peer that vanished without FIN or RST is noticed and announced as gone while a silent but healthy
    /// client (or plain nc) needs to do nothing.
    /// </summary>
    [DurationRange(minSeconds: 1, maxSeconds: 7200)]
    public TimeSpan KeepAliveTime { get; set; } = TimeSpan.FromSeconds(30);

    [DurationRange(minSeconds: 1, maxSeconds: 600)]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one flush to a client may stay unfinished before the client is disconnected.</summary>
    [DurationRange(minSeconds: 1, maxSeconds: 3600)]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a wave of connections has come or gone (at least this many more open than at the last collection, or
    /// this many closed since the most there were) and the count has settled, the server runs one full, compacting
    /// garbage collection, so that its memory is what the clients now connected need: a quiet server never collects
    /// by itself, and a storm leaves garbage and free heap behind. 0 turns it off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int ReclaimMemoryAfterChange { get; set; } = 500;

    [ValidateObjectMembers]
    public FloodOptions Flood { get; set; } = new();

    [ValidateObjectMembers]
    public TlsOptions Tls { get; set; } = new();

    /// <summary>The address to bind, from <see cref="Host"/> (already validated).</summary>
    public IPAddress GetListenAddress() => ListenAddressAttribute.Parse(Host)!;
}
