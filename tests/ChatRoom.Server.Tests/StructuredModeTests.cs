using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class StructuredModeTests
{
    private const string Lobby = "lobby";
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public async Task JsonBeforeTheNicknameTurnsTheWholeHandshakeIntoEvents()
    {
        await using var server = await TestChatServer.StartAsync();
        var before = DateTimeOffset.UtcNow;
        var carol = await server.ConnectAsync("carol");

        var join = await carol.JoinStructuredAsync("carol");

        Assert.Equal(Lobby, join.Room);
        Assert.NotNull(join.Id);
        AssertServerTime(join, before);
    }

    [Fact]
    public async Task JsonAfterJoiningSwitchesOnlyThatConnection()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SwitchToStructuredAsync();
        await room[1].SendLineAsync("hello");

        var message = await room[0].ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal(("bob", "hello", Lobby), (message.From, message.Text, message.Room));
        await room[1].ExpectLineAsync("bob: hello");
    }

    [Fact]
    public async Task RoomEventsCarryTheirFieldsAndIncreasingIds()
    {
        await using var server = await TestChatServer.StartAsync();
        var before = DateTimeOffset.UtcNow;
        var watcher = await server.ConnectAsync("watcher");
        var watcherJoin = await watcher.JoinStructuredAsync("watcher");
        var room = await server.JoinRoomAsync("alice", "bob");

        var (alice, bob) = (room[0], room[1]);

        await alice.SendLineAsync("hello");
        await alice.SendLineAsync("/me waves");
        await alice.SendLineAsync("/msg watcher psst");
        await alice.SendLineAsync("/nick alicia");
        await bob.ExpectLinesAsync("alice: hello", "* alice waves", "alice is now known as alicia");
        await bob.SendLineAsync("/quit");
        await alice.ExpectLinesAsync("alice: hello", "* alice waves", "[private to watcher] psst", "alice is now known as alicia", "bob left the chat!");
        alice.Reset();

        ChatEvent[] expected =
        [
            new() { Kind = ChatEventKind.Join, From = "alice" },
            new() { Kind = ChatEventKind.Join, From = "bob" },
            new() { Kind = ChatEventKind.Message, From = "alice", Text = "hello" },
            new() { Kind = ChatEventKind.Action, From = "alice", Text = "waves" },
            new() { Kind = ChatEventKind.Private, From = "alice", To = "watcher", Text = "psst" },
            new() { Kind = ChatEventKind.Rename, From = "alice", Nick = "alicia" },
            new() { Kind = ChatEventKind.Leave, From = "bob", Code = "quit" },
            new() { Kind = ChatEventKind.Leave, From = "alicia", Code = "dropped" },
        ];
        var lastId = watcherJoin.Id!.Value;
        foreach (var want in expected)
        {
            var got = await watcher.ReadEventAsync();
            Assert.Equal(want, got with { Id = null, Time = default, Room = null });
            Assert.True(got.Id > lastId, $"ids must increase along the room's order: {got.Id} after {lastId} in {got}");
            Assert.Equal(Lobby, got.Room);
            AssertServerTime(got, before);
            lastId = got.Id!.Value;
        }
    }

    [Fact]
    public async Task RepliesToOneClientAreSystemAndErrorEventsWithCodes()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");

        await carol.SendLineAsync("/who");
        var who = await carol.ExpectEventAsync(ChatEventKind.System);
        Assert.Equal(("who", "Users here (2)"), (who.Code, who.Text));
        Assert.Equal(["alice", "carol"], who.Users);
        Assert.Null(who.Id);

        await carol.SendLineAsync("/ping 9");
        var pong = await carol.ExpectEventAsync(ChatEventKind.System);
        Assert.Equal(("pong", "PONG 9"), (pong.Code, pong.Text));

        await carol.SendLineAsync("/help");
        var help = await carol.ExpectEventAsync(ChatEventKind.System);
        Assert.Equal("help", help.Code);
        Assert.Contains("/msg", help.Text, StringComparison.Ordinal);

        await carol.SendLineAsync("/dance");
        var error = await carol.ExpectEventAsync(ChatEventKind.Error);
        Assert.Equal(("unknown_command", "unknown command '/dance' (try /help)"), (error.Code, error.Text));
        await alice.ExpectLineAsync("carol joined the chat!");
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task EnvelopeTraceContextComesBackOnTheBroadcastWhilePlainClientsSeePlainLines()
    {
        await using var server = await TestChatServer.StartAsync();
        var plain = await server.JoinAsync("alice");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        var dave = await server.ConnectAsync("dave");
        await dave.JoinStructuredAsync("dave");
        await carol.ExpectEventAsync(ChatEventKind.Join);

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "hi all", Traceparent = Traceparent, Tracestate = "vendor=1" });

        foreach (var structured in new[] { carol, dave })
        {
            var message = await structured.ExpectEventAsync(ChatEventKind.Message);
            Assert.Equal(("carol", "hi all", Traceparent, "vendor=1"), (message.From, message.Text, message.Traceparent, message.Tracestate));
        }

        await plain.ExpectLinesAsync("carol joined the chat!", "dave joined the chat!", "carol: hi all");
    }

    [Fact]
    public async Task EnvelopeTextMayBeACommand()
    {
        await using var server = await TestChatServer.StartAsync();
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "/me dances", Traceparent = Traceparent });

        var action = await carol.ExpectEventAsync(ChatEventKind.Action);
        Assert.Equal(("carol", "dances", Traceparent), (action.From, action.Text, action.Traceparent));
    }

    [Theory]
    [InlineData("{\"text\":\"red \\u001b[31m\"}", "control_character", "line contains control characters")]
    [InlineData("{\"text\":\"two\\nlines\"}", "control_character", "line contains control characters")]
    [InlineData("{\"text\":\"abc\\u202Eevil\"}", "direction_override", "line contains bidirectional override characters")]
    [InlineData("{not json", "bad_json", "envelope is not valid JSON")]
    public async Task BadEnvelopeIsRefusedAndReachesNobody(string envelope, string code, string text)
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        await alice.ExpectLineAsync("carol joined the chat!");

        await carol.SendLineAsync(envelope);

        var error = await carol.ExpectEventAsync(ChatEventKind.Error);
        Assert.Equal((code, text), (error.Code, error.Text));
        await alice.ExpectNoLineWithinAsync();
        await carol.SendLineAsync("still here");
        await alice.ExpectLineAsync("carol: still here");
    }

    private static void AssertServerTime(ChatEvent chatEvent, DateTimeOffset notBefore)
    {
        Assert.Equal(TimeSpan.Zero, chatEvent.Time.Offset);
        Assert.InRange(chatEvent.Time, notBefore.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }
}
