using System.Net;
using ChatRoom.LoadGen.Hosting;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// The servers of one run: one, or with <c>--servers N</c> (ChatRoom only) N ChatRoom servers sharing one room through a
/// Redis the generator starts first. Client <c>i</c> talks to server <c>i mod N</c>, so clients and senders are spread
/// evenly. Disposing stops the servers, then Redis.
/// </summary>
public sealed class ServerFleet : IAsyncDisposable
{
    private readonly List<ServerProcess> _servers = [];

    private ServerFleet(IPEndPoint[] endpoints) => Endpoints = endpoints;

    /// <summary>Each server's chat address, by server number.</summary>
    public IPEndPoint[] Endpoints { get; }

    public IReadOnlyList<ServerProcess> Servers => _servers;

    /// <summary>The first server: the only one of a run with one server.</summary>
    public ServerProcess Primary => _servers[0];

    public ServerProcess? Redis { get; private set; }

    /// <summary>Completes when any server (or Redis) ends.</summary>
    public Task Exited => Task.WhenAny(_servers.Select(server => server.Exited).Append(Redis?.Exited ?? Task.Delay(Timeout.Infinite)));

    /// <summary>Free loopback addresses for <paramref name="servers"/> servers, chosen before the clients are set up.</summary>
    public static IPEndPoint[] Addresses(int servers) =>
        [.. Enumerable.Range(0, servers).Select(_ => new IPEndPoint(IPAddress.Loopback, FreePort.Next()))];

    /// <summary>Starts the servers on <paramref name="endpoints"/> (and Redis before them when there are several).</summary>
    public static async Task<ServerFleet> StartAsync(
        ITarget target, LoadGenSettings settings, IPEndPoint[] endpoints, int maxConnections, CancellationToken cancellationToken)
    {
        var fleet = new ServerFleet(endpoints);
        try
        {
            if (endpoints.Length > 1)
            {
                if (target is not ChatRoomTarget chatRoom)
                {
                    throw new RunFailedException($"--servers {endpoints.Length}: only ChatRoom shares a room across servers");
                }

                var redisPort = FreePort.Next();
                fleet.Redis = await ServerProcess.StartAsync(new RedisTarget(settings.RedisServer), redisPort, 0, cancellationToken).ConfigureAwait(false);
                target = chatRoom.WithBackplane($"127.0.0.1:{redisPort}");
            }

            foreach (var endpoint in endpoints)
            {
                fleet._servers.Add(await ServerProcess.StartAsync(target, endpoint.Port, maxConnections, cancellationToken).ConfigureAwait(false));
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The servers' CPU and memory together (Redis apart).</summary>
    public ProcessSample Sample() => _servers.Select(server => server.Sample()).Aggregate(
        static (sum, next) => new ProcessSample(sum.UserCpu + next.UserCpu, sum.SystemCpu + next.SystemCpu, sum.RssBytes + next.RssBytes, sum.PeakRssBytes + next.PeakRssBytes));

    /// <summary>How the first process that ended ended.</summary>
    public string DescribeExit() =>
        _servers.Append(Redis).FirstOrDefault(server => server?.Exited.IsCompleted == true)?.DescribeExit() ?? Primary.DescribeExit();

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync().ConfigureAwait(false);
        }
    }
}
