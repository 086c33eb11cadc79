using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChatRoom.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// The real server host (<see cref="ChatServerApp.Create"/>), started in-process on ephemeral loopback
/// ports. Owns the clients it connects and closes them before stopping the host, so a test only has to
/// <c>await using</c> the server.
/// </summary>
public sealed class TestChatServer : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly List<IDisposable> _owned = [];
    private int _clientCount;
    private int _stopped;

    private TestChatServer(WebApplication app, int chatPort, int? tlsPort, int httpPort)
    {
        _app = app;
        ChatPort = chatPort;
        TlsPort = tlsPort;
        HttpPort = httpPort;
    }

    /// <summary>The chat (line protocol) port on 127.0.0.1.</summary>
    public int ChatPort { get; }

    /// <summary>The TLS chat port on 127.0.0.1, when <c>Tls:Port</c> was configured.</summary>
    public int? TlsPort { get; }

    /// <summary>The HTTP port serving <c>/health</c> and <c>/alive</c> on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>The server's services, for a test to read what it counts (e.g. its connections).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server. <paramref name="chatSettings"/> are <c>Chat:*</c> overrides without the prefix,
    /// e.g. <c>"MaxClients=2"</c>, <c>"HandshakeTimeout=00:00:01"</c>.
    /// </summary>
    public static Task<TestChatServer> StartAsync(params string[] chatSettings) => StartAsync(chatSettings, []);

    /// <summary>
    /// Starts a server in the named host environment, so that the server's <c>appsettings.{environment}.json</c>
    /// (copied beside the tests) applies under <paramref name="chatSettings"/>.
    /// </summary>
    public static Task<TestChatServer> StartInEnvironmentAsync(string environment, params string[] chatSettings) =>
        StartAsync(chatSettings, ["--environment", environment, "--contentRoot", AppContext.BaseDirectory]);

    /// <summary>
    /// Starts a server with host settings beside the <c>Chat:*</c> ones, e.g. <c>"--ConnectionStrings:redis=127.0.0.1:6379"</c>.
    /// </summary>
    public static Task<TestChatServer> StartWithAsync(string[] hostSettings, params string[] chatSettings) =>
        StartAsync(chatSettings, hostSettings);

    private static async Task<TestChatServer> StartAsync(string[] chatSettings, string[] hostSettings)
    {
        string[] args =
        [
            .. hostSettings,
            "--Chat:Host=127.0.0.1",
            "--Chat:Port=0",
            "--Chat:HttpPort=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. chatSettings.Select(setting => "--Chat:" + setting),
        ];
        var app = ChatServerApp.Create(args);
        using (var timeout = new CancellationTokenSource(StartStopTimeout))
        {
            await app.StartAsync(timeout.Token);
        }

        // Kestrel binds the chat listener first, then the TLS chat listener if configured, then HTTP.
        var ports = app.Urls.Select(url => new Uri(url).Port).ToArray();
        Assert.True(ports.Length is 2 or 3, $"expected the chat, (TLS chat,) and HTTP addresses, got: {string.Join(", ", app.Urls)}");
        return new TestChatServer(app, ports[0], ports.Length == 3 ? ports[1] : null, ports[^1]);
    }

    /// <summary>Opens a connection to the chat port; nothing is read or sent yet.</summary>
    public async Task<TestChatClient> ConnectAsync(string? label = null)
    {
        var client = await TestChatClient.ConnectAsync(ChatPort, label ?? $"client{Interlocked.Increment(ref _clientCount)}");
        Own(client);
        return client;
    }

    /// <summary>Opens a TLS connection to the TLS chat port, trusting <paramref name="serverCertificate"/>.</summary>
    public async Task<TestChatClient> ConnectTlsAsync(X509Certificate2 serverCertificate, string? label = null)
    {
        var port = TlsPort ?? throw new InvalidOperationException("this server has no TLS endpoint (Tls:Port)");
        var client = await TestChatClient.ConnectTlsAsync(port, label ?? $"tls{Interlocked.Increment(ref _clientCount)}", serverCertificate);
        Own(client);
        return client;
    }

    /// <summary>Opens a connection and reads the server's first line, the <c>NICK</c> prompt.</summary>
    public async Task<TestChatClient> ConnectToNickPromptAsync(string? label = null)
    {
        var client = await ConnectAsync(label);
        await client.ExpectLineAsync("NICK");
        return client;
    }

    /// <summary>Connects and joins as <paramref name="nickname"/> (see <see cref="TestChatClient.JoinAsync"/>).</summary>
    public async Task<TestChatClient> JoinAsync(string nickname)
    {
        var client = await ConnectAsync(nickname);
        await client.JoinAsync(nickname);
        return client;
    }

    /// <summary>
    /// Joins each nickname in turn and checks that everyone already in the room sees each newcomer join,
    /// so that every returned client has read everything sent to it so far.
    /// </summary>
    public async Task<TestChatClient[]> JoinRoomAsync(params string[] nicknames)
    {
        var clients = new List<TestChatClient>();
        foreach (var nickname in nicknames)
        {
            var newcomer = await JoinAsync(nickname);
            foreach (var earlier in clients)
            {
                await earlier.ExpectLineAsync($"{nickname} joined the chat!");
            }

            clients.Add(newcomer);
        }

        return [.. clients];
    }

    /// <summary>
    /// A raw socket with a small receive buffer that joins as <paramref name="nickname"/> and then never
    /// reads anything: the slow consumer the server must not wait for.
    /// </summary>
    public async Task<Socket> JoinWithoutReadingAsync(string nickname, int receiveBufferSize)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            // Before connecting, so that the TCP window is small from the start.
            ReceiveBufferSize = receiveBufferSize,
        };
        Own(socket);
        using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ChatPort), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(nickname + "\n"), SocketFlags.None, timeout.Token);
        return socket;
    }

    /// <summary>Stops the host (bounded) while its clients are still connected, as a shutdown in production does.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var timeout = new CancellationTokenSource(StartStopTimeout);
            await _app.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_owned)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
        }

        await StopAsync();
        await _app.DisposeAsync();
    }

    private void Own(IDisposable resource)
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }
    }
}
