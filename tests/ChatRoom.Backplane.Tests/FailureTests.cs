using System.Diagnostics;
using ChatRoom.Backplane.Tests.Harness;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Backplane.Tests;

/// <summary>What clients see when a server dies, when Redis goes away, and when one server's link to Redis blips.</summary>
[Collection(BackplaneCollectionDefinition.Name)]
public sealed class FailureTests(RedisInstallation redis)
{
    private const string LineRefused = "ERR the room is unavailable right now: your line was not delivered; try again shortly";

    [SkippableFact]
    public async Task ServerKilledWithSigkillHasItsUsersAnnouncedAsLeftWithinFifteenSecondsAndTheirNicknamesFreed()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 1);
        using var doomed = await ServerProcess.StartWithAsync(
            ["--ConnectionStrings:redis=" + room.Redis.ConnectionString, "--Logging:LogLevel:ChatRoom.Server.Backplane=Information"]);
        await doomed.WaitForOutputAsync("reads the room's stream", TimeSpan.FromSeconds(20));
        var erin = await room.Servers[0].JoinAsync("erin");
        using var dave = await TestChatClient.ConnectAsync(doomed.ChatPort, "dave");
        await dave.JoinAsync("dave");
        using var frank = await TestChatClient.ConnectAsync(doomed.ChatPort, "frank");
        await frank.JoinAsync("frank");
        await erin.ExpectLinesAsync("dave joined the chat!", "frank joined the chat!");

        var killed = Stopwatch.StartNew();
        doomed.Kill();
        var left = new[] { await erin.ReadLineAsync(TimeSpan.FromSeconds(15)), await erin.ReadLineAsync(TimeSpan.FromSeconds(15) - killed.Elapsed) };

        Assert.Equal(["dave left the chat!", "frank left the chat!"], left.Order());
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(15), $"announced after {killed.Elapsed.TotalSeconds:0.0} s");
        var again = await room.Servers[0].JoinAsync("dave");
        await erin.ExpectLineAsync("dave joined the chat!");
        await again.SendLineAsync("/who");
        await again.ExpectLineAsync("Users here (2): erin, dave");
    }

    [SkippableFact]
    public async Task RedisStoppedForTenSecondsKeepsClientsConnectedTellsThemTheRoomIsUnavailableAndThenResumesAsItWas()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        await alice.ExpectLineAsync("bob joined the chat!");
        await alice.SendLineAsync("before");
        await alice.ExpectLineAsync("alice: before");
        await bob.ExpectLineAsync("alice: before");

        await room.Redis.StopAsync();
        var outage = Stopwatch.StartNew();
        await SharedRoom.WaitForHealthAsync(room.Servers[0], "Degraded");
        await SharedRoom.WaitForHealthAsync(room.Servers[1], "Degraded");

        await alice.SendLineAsync("during");
        await alice.ExpectLineAsync(LineRefused);
        var carol = await room.Servers[1].ConnectToNickPromptAsync("carol");
        await carol.SendLineAsync("carol");
        await carol.ExpectLinesAsync("ERR the room is unavailable right now; try joining again shortly", "NICK");

        // The outage itself lasts ten seconds; the clients stay connected throughout.
        await Task.Delay(TimeSpan.FromSeconds(10) - outage.Elapsed);
        await room.Redis.StartAgainAsync();
        await SharedRoom.WaitForHealthAsync(room.Servers[0], "Healthy");
        await SharedRoom.WaitForHealthAsync(room.Servers[1], "Healthy");

        // Nothing refused reappears, nothing accepted is repeated: the next line each sees is the first one said after.
        await alice.SendLineAsync("after");
        await alice.ExpectLineAsync("alice: after");
        await bob.ExpectLineAsync("alice: after");
        await bob.SendLineAsync("me too");
        await bob.ExpectLineAsync("bob: me too");
        await alice.ExpectLineAsync("bob: me too");
        await carol.SendLineAsync("carol");
        await carol.ExpectLinesAsync("Connected to the server!", "[history] alice: before", "[history] alice: after", "[history] bob: me too", "carol joined the chat!");
        await alice.ExpectLineAsync("carol joined the chat!");
        await bob.ExpectLineAsync("carol joined the chat!");
    }

    [SkippableFact]
    public async Task ServerCutOffLongerThanItsTimeoutGetsItsUsersBackAndOneWhoseNicknameWasTakenIsToldSo()
    {
        string[] quick = ["Backplane:ServerTimeout=00:00:01", "Backplane:HeartbeatInterval=00:00:00.2"];
        await using var room = await SharedRoom.StartAsync(redis, servers: 1, quick);
        using var relay = new TcpRelay(room.Redis.Port);
        var cutOff = await room.AddServerAsync(relay.Address, quick);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await cutOff.JoinAsync("bob");
        var carol = await cutOff.JoinAsync("carol");
        await alice.ReadUntilAsync("carol joined the chat!");

        relay.Cut();
        Assert.Equal(["bob left the chat!", "carol left the chat!"], (await alice.ReadLinesAsync(2)).Order());
        var impostor = await room.Servers[0].JoinAsync("bob");
        await alice.ExpectLineAsync("bob joined the chat!");

        relay.Restore();
        await carol.ReadUntilAsync("carol joined the chat!");
        await alice.ExpectLineAsync("carol joined the chat!");
        const string Lost = "ERR your nickname was given to someone else while this server was cut off from the room; reconnect to join again";
        await bob.ReadUntilAsync(Lost);
        await bob.SendLineAsync("am I still bob?");
        await bob.ExpectLineAsync(Lost);
        await carol.SendLineAsync("back");
        await alice.ExpectLineAsync("carol: back");
        await impostor.ExpectLinesAsync("carol joined the chat!", "carol: back");
    }

    [SkippableFact]
    public async Task BlipBetweenOneServerAndRedisLosesNothingRedisAcceptedMeanwhile()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 1);
        using var relay = new TcpRelay(room.Redis.Port);
        var cutOff = await room.AddServerAsync(relay.Address);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await cutOff.JoinAsync("bob");
        await alice.ExpectLineAsync("bob joined the chat!");

        relay.Cut();
        await SharedRoom.WaitForHealthAsync(cutOff, "Degraded");
        for (var n = 0; n < 20; n++)
        {
            await alice.SendLineAsync($"line {n}");
            await alice.ExpectLineAsync($"alice: line {n}");
        }

        relay.Restore();
        await SharedRoom.WaitForHealthAsync(cutOff, "Healthy");
        await alice.SendLineAsync("end");

        var received = await bob.ReadLinesAsync(21);
        Assert.Equal([.. Enumerable.Range(0, 20).Select(n => $"alice: line {n}"), "alice: end"], received);
        await bob.ExpectNothingPendingAsync();
    }
}
