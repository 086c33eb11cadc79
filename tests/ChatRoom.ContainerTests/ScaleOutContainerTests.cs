using System.Diagnostics;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;
using DotNet.Testcontainers.Containers;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests;

/// <summary>
/// Two server containers sharing one room through a Redis container on one network, with clients on both: one room,
/// and a server container killed outright has its users announced as left by the other.
/// </summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed class ScaleOutContainerTests(ChatServerFixture fixture, ITestOutputHelper output)
{
    // The servers' default heartbeat lifetime (10 s) plus a heartbeat (2 s), with slack for a loaded machine.
    private static readonly TimeSpan AnnouncedWithin = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task TwoServerContainersShareOneRoomAndTheSurvivorAnnouncesTheUsersOfTheOneKilled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var id = Guid.NewGuid().ToString("N")[..6];
        var redis = await fixture.StartRedisAsync("redis-" + id, cts.Token);
        var shared = new Dictionary<string, string> { ["ConnectionStrings__redis"] = $"redis-{id}:6379" };
        var first = await fixture.StartServerAsync(onNetwork: true, cts.Token, environment: shared, alias: "first-" + id);
        var second = await fixture.StartServerAsync(onNetwork: true, cts.Token, environment: shared, alias: "second-" + id);
        try
        {
            await using var alice = await JoinWhenLinkedAsync(first, "alice" + id);
            await using var bob = await JoinWhenLinkedAsync(second, "bob" + id);
            await alice.WaitForLineAsync(line => line == $"bob{id} joined the chat!", "bob, on the other server, joining");

            await alice.SendLineAsync("hello from the first server");
            await bob.WaitForLineAsync(line => line == $"alice{id}: hello from the first server", "alice's line on the second server");
            await bob.SendLineAsync("/who");
            await bob.WaitForLineAsync(line => line == $"Users here (2): alice{id}, bob{id}", "/who listing both servers' users");

            await fixture.Docker.Containers.KillContainerAsync(second.Id, new() { Signal = "SIGKILL" }, cts.Token);
            var killed = Stopwatch.StartNew();
            await alice.WaitForLineAsync(line => line == $"bob{id} left the chat!", "bob announced as left", AnnouncedWithin + TimeSpan.FromSeconds(5));
            output.WriteLine($"the killed server's user was announced as left {killed.Elapsed.TotalSeconds:0.0} s after SIGKILL");
            Assert.InRange(killed.Elapsed, TimeSpan.Zero, AnnouncedWithin);
        }
        finally
        {
            await fixture.RemoveAsync(second);
            await fixture.RemoveAsync(first);
            await fixture.RemoveAsync(redis);
        }
    }

    /// <summary>Joins once the server reads the room's stream (until then a newcomer is told the room is unavailable).</summary>
    private static async Task<TestChatClient> JoinWhenLinkedAsync(IContainer server, string nick)
    {
        var waited = Stopwatch.StartNew();
        while (!(await server.GetLogsAsync()).Stdout.Contains("reads the room's stream", StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"server {server.Name} did not reach Redis within 30 s");
            await Task.Delay(200);
        }

        return await TestChatClient.ConnectAndJoinAsync(server.Hostname, server.GetMappedPublicPort(ChatServerFixture.ChatPort), nick);
    }
}
