using ChatRoom.Backplane.Tests.Harness;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Backplane.Tests;

/// <summary>History on join when the room is shared: the stream's last messages, whichever server said them or is joined.</summary>
[Collection(BackplaneCollectionDefinition.Name)]
public sealed class SharedHistoryTests(RedisInstallation redis)
{
    [SkippableFact]
    public async Task NewcomerOnAnyServerGetsTheLastMessagesAndActionsBeforeItsJoinLine()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2, "HistoryLines=3");
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        await alice.ReadUntilAsync("bob joined the chat!");

        // Each waits for the previous line, so that the room's order is the order of these calls.
        await alice.SendLineAsync("one");
        await bob.ExpectLineAsync("alice: one");
        await bob.SendLineAsync("two");
        await alice.ExpectLinesAsync("alice: one", "bob: two");
        await alice.SendLineAsync("/me three");
        await bob.ExpectLinesAsync("bob: two", "* alice three");
        await bob.SendLineAsync("/msg alice not for the history");
        await alice.ExpectLinesAsync("* alice three", "[private] bob: not for the history");
        await alice.SendLineAsync("four");
        await bob.ExpectLinesAsync("[private to alice] not for the history", "alice: four");

        var plain = await room.Servers[1].ConnectAsync("newcomer");
        Assert.Equal(["[history] bob: two", "[history] * alice three", "[history] alice: four"], await plain.JoinAsync("newcomer"));

        var structured = await room.Servers[0].ConnectAsync("structured");
        await structured.ExpectLineAsync("NICK");
        await structured.SwitchToStructuredAsync();
        await structured.ExpectEventAsync(ChatEventKind.Nick);
        await structured.SendLineAsync("structured");
        await structured.ExpectEventAsync(ChatEventKind.System);
        var history = new[] { await structured.ReadEventAsync(), await structured.ReadEventAsync(), await structured.ReadEventAsync() };
        var join = await structured.ExpectEventAsync(ChatEventKind.Join);

        Assert.All(history, line => Assert.True(line.History));
        Assert.Equal([("bob", "two"), ("alice", "three"), ("alice", "four")], history.Select(line => (line.From!, line.Text!)));
        Assert.Equal([ChatEventKind.Message, ChatEventKind.Action, ChatEventKind.Message], history.Select(line => line.Kind));
        // Their original ids and times: increasing, before the join; the join itself is live.
        Assert.True(history[0].Id < history[1].Id && history[1].Id < history[2].Id && history[2].Id < join.Id);
        Assert.True(history[2].Time <= join.Time);
        Assert.Null(join.History);
    }

    [SkippableFact]
    public async Task HistorySurvivesEveryServerRestartingBecauseTheStreamKeepsIt()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 1);
        var alice = await room.Servers[0].JoinAsync("alice");
        await alice.SendLineAsync("said before every server restarted");
        await alice.ExpectLineAsync("alice: said before every server restarted");
        await room.StopServerAsync(room.Servers[0]);

        var restarted = await room.AddServerAsync(room.Redis.ConnectionString);
        var bob = await restarted.ConnectAsync("bob");
        Assert.Equal(["[history] alice: said before every server restarted"], await bob.JoinAsync("bob"));
    }
}
