using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>History on join in a room of one process: the last messages and actions, marked, before the newcomer's join.</summary>
public sealed class HistoryTests
{
    [Fact]
    public async Task NewcomerGetsTheLastMessagesAndActionsMarkedAsHistoryBeforeItsJoinLine()
    {
        await using var server = await TestChatServer.StartAsync("HistoryLines=3");
        var (alice, bob) = (await server.JoinAsync("alice"), await server.JoinAsync("bob"));
        await alice.ExpectLineAsync("bob joined the chat!");
        await alice.SendLineAsync("one");
        await alice.SendLineAsync("two");
        await bob.ExpectLinesAsync("alice: one", "alice: two");
        await bob.SendLineAsync("/me three");
        await bob.SendLineAsync("/msg alice not for the history");
        await bob.SendLineAsync("/nick robert");
        await alice.ReadUntilAsync("bob is now known as robert");
        await alice.SendLineAsync("[history] four");
        await bob.ReadUntilAsync("alice: [history] four");

        var carol = await server.ConnectAsync("carol");

        // The last three, oldest first: private messages, joins and renames are not history; the text a client wrote
        // cannot pass for the marker, which only the server writes.
        Assert.Equal(["[history] alice: two", "[history] * bob three", "[history] alice: [history] four"], await carol.JoinAsync("carol"));
        await carol.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task StructuredNewcomerGetsHistoryWithItsOriginalIdsAndTimesAndTheFlag()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.ConnectAsync("alice");
        await alice.JoinStructuredAsync("alice");
        await alice.SendLineAsync("hello");
        var said = await alice.ExpectEventAsync(ChatEventKind.Message);

        var bob = await server.ConnectAsync("bob");
        await bob.ExpectLineAsync("NICK");
        await bob.SwitchToStructuredAsync();
        await bob.ExpectEventAsync(ChatEventKind.Nick);
        await bob.SendLineAsync("bob");
        await bob.ExpectEventAsync(ChatEventKind.System);
        var history = await bob.ExpectEventAsync(ChatEventKind.Message);
        var join = await bob.ExpectEventAsync(ChatEventKind.Join);

        Assert.Equal(said with { History = true }, history with { Users = null });
        Assert.True(join.Id > history.Id);
        Assert.Null(join.History);
    }

    [Fact]
    public async Task HistoryLinesZeroSendsNoHistory()
    {
        await using var server = await TestChatServer.StartAsync("HistoryLines=0");
        var alice = await server.JoinAsync("alice");
        await alice.SendLineAsync("hello");
        await alice.ExpectLineAsync("alice: hello");

        var bob = await server.ConnectAsync("bob");
        Assert.Empty(await bob.JoinAsync("bob"));
    }
}
