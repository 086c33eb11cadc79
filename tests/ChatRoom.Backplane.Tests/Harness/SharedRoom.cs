using ChatRoom.Tests.Harness;

namespace ChatRoom.Backplane.Tests.Harness;

/// <summary>
/// A Redis and the in-process servers that share its room, each on its own ports, as an operator runs them behind one
/// address. Disposing stops the servers, then Redis.
/// </summary>
public sealed class SharedRoom : IAsyncDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(20);

    private readonly List<TestChatServer> _servers = [];

    private SharedRoom(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public IReadOnlyList<TestChatServer> Servers => _servers;

    /// <summary>Starts Redis and <paramref name="servers"/> servers with <paramref name="chatSettings"/>, each reading the room.</summary>
    public static async Task<SharedRoom> StartAsync(RedisInstallation installation, int servers, params string[] chatSettings)
    {
        var room = new SharedRoom(await installation.StartAsync());
        for (var i = 0; i < servers; i++)
        {
            await room.AddServerAsync(room.Redis.ConnectionString, chatSettings);
        }

        return room;
    }

    /// <summary>Starts one more server on <paramref name="redis"/> (a relay's address, say) and waits until it reads the room.</summary>
    public async Task<TestChatServer> AddServerAsync(string redis, params string[] chatSettings)
    {
        var server = await TestChatServer.StartWithAsync(["--ConnectionStrings:redis=" + redis], chatSettings);
        _servers.Add(server);
        await WaitForHealthAsync(server, "Healthy");
        return server;
    }

    /// <summary>Stops a server the way a deployment does (its members are announced as left), and forgets it.</summary>
    public async Task StopServerAsync(TestChatServer server)
    {
        _servers.Remove(server);
        await server.DisposeAsync();
    }

    /// <summary>Waits until the server's <c>/health</c> says <paramref name="status"/> (Healthy, Degraded).</summary>
    public static async Task WaitForHealthAsync(TestChatServer server, string status)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + HealthTimeout;
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/health"));
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // 503 while unhealthy
            }

            if (last == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the server's /health did not say {status} within {HealthTimeout.TotalSeconds} s; last answer: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Redis.Dispose();
    }
}
