using Aspire.Hosting;
using ChatRoom.AppHost.Tests.Harness;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// The AppHost with <c>Servers=2</c>: two replicas of the server behind the one proxied chat port, sharing one room
/// through the Redis container the AppHost adds. Needs a container engine and a Redis image it can run; without them
/// the test reports itself skipped with one "SKIPPED:" line.
/// </summary>
public sealed class SharedRoomTests(ITestOutputHelper output, RedisImage redis) : IClassFixture<RedisImage>
{
    private const int Clients = 6;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task TwoServerReplicasBehindTheProxyServeOneRoom()
    {
        var redisImage = redis.NameOrSkip();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ChatRoom_AppHost>(
            ["Servers=2", "Simulator:Replicas=1", $"Redis:Image={redisImage}"], ct);
        await using var app = await appHost.BuildAsync(ct);
        await app.StartAsync(ct);

        // Both replicas healthy, and each one reading the room's stream in Redis.
        var linked = await ServersReadingTheRoomAsync(app, expected: 2, ct);
        output.WriteLine($"replicas reading the room: {string.Join(", ", linked)}");

        // Clients through the one proxied port, whichever replica each lands on, are in one room.
        var endpoint = app.GetEndpoint("server", "tcp");
        var clients = new List<TestChatClient>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                var client = await TestChatClient.ConnectThroughProxyAsync(endpoint, $"scaled{i}", EventTimeout);
                clients.Add(client);
                await client.JoinStructuredAsync($"scaled{i}");
            }

            await clients[0].SendLineAsync("heard on every server");
            foreach (var client in clients)
            {
                await client.WaitForEventAsync(e => e is { Kind: ChatEventKind.Message, From: "scaled0", Text: "heard on every server" },
                    "scaled0's line", EventTimeout);
            }

            await clients[^1].SendLineAsync("/who");
            var who = await clients[^1].WaitForEventAsync(e => e is { Kind: ChatEventKind.System, Code: WhoReply.Code }, "the /who answer", EventTimeout);
            Assert.Superset(Enumerable.Range(0, Clients).Select(i => $"scaled{i}").ToHashSet(), who.Users!.ToHashSet());
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> replicas of the server are healthy and have logged that they read the
    /// room's stream; returns their names.
    /// </summary>
    private static async Task<List<string>> ServersReadingTheRoomAsync(DistributedApplication app, int expected, CancellationToken ct)
    {
        var healthy = new HashSet<string>();
        await foreach (var update in app.ResourceNotifications.WatchAsync(ct))
        {
            if (update.Resource.Name == "server" && update.Snapshot.HealthStatus == HealthStatus.Healthy && healthy.Add(update.ResourceId)
                && healthy.Count == expected)
            {
                break;
            }
        }

        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var reading = new List<string>();
        foreach (var replica in healthy)
        {
            await foreach (var batch in logs.WatchAsync(replica).WithCancellation(ct))
            {
                if (batch.Any(line => line.Content.Contains("reads the room's stream", StringComparison.Ordinal)))
                {
                    reading.Add(replica);
                    break;
                }
            }
        }

        return reading;
    }
}
