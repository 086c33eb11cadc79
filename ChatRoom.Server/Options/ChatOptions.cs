using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ChatRoom.Server.Options;

/// <summary>
/// The <c>Chat</c> configuration section. Every key can be set in appsettings.json, as an environment
/// variable (<c>Chat__Port=6000</c>) or on the command line (<c>--Chat:Port 6000</c>).
/// </summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>Address both listeners bind: an IP address, <c>localhost</c>, or <c>*</c> for every interface.</summary>
    [Required]
    [ListenAddress]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The chat (TCP line protocol) port; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 55555;

    /// <summary>The HTTP port serving <c>/health</c> and <c>/alive</c>; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 55556;

    /// <summary>Longest accepted line in bytes, not counting its line end.</summary>
    [Range(64, 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 4096;

    /// <summary>Bytes that may wait for one client to read them before it is disconnected as a slow consumer.</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int MaxSendQueueBytes { get; set; } = 256 * 1024;

    /// <summary>Time a new connection has to choose an accepted nickname.</summary>
    [DurationRange(minSeconds: 1, maxSeconds: 3600)]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once, handshaking ones included; the next one gets <c>ERR server is full</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxClients { get; set; } = 10_000;

    /// <summary>The address to bind, from <see cref="Host"/> (already validated).</summary>
    public IPAddress GetListenAddress() => ListenAddressAttribute.Parse(Host)!;
}
