using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class CommandTests
{
    [Fact]
    public async Task WhoListsTheUsersInJoinOrderToTheAskerAlone()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("carol", "alice", "bob");

        await room[1].SendLineAsync("/who");

        await room[1].ExpectLineAsync("Users here (3): carol, alice, bob");
        await room[0].ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task PrivateMessageReachesOnlyItsTarget()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (room[0], room[1], room[2]);

        await alice.SendLineAsync("/msg bob just between us");

        await alice.ExpectLineAsync("[private to bob] just between us");
        await bob.ExpectLineAsync("[private] alice: just between us");
        await carol.ExpectNoLineWithinAsync();
        await alice.SendLineAsync("sentinel");
        // For carol, the next line being the sentinel proves no private line was queued before it.
        await room.AllExpectLinesAsync("alice: sentinel");
    }

    [Fact]
    public async Task PrivateMessageFindsItsTargetWhateverTheCaseItIsWrittenIn()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "Bob", "carol");
        var (alice, bob) = (room[0], room[1]);

        await alice.SendLineAsync("/msg bOB psst");

        // The target is named as its holder writes it.
        await alice.ExpectLineAsync("[private to Bob] psst");
        await bob.ExpectLineAsync("[private] alice: psst");
        await alice.SendLineAsync("sentinel");
        await room.AllExpectLinesAsync("alice: sentinel");
    }

    [Theory]
    [InlineData("/msg nobody x", "ERR no such user 'nobody'")]
    [InlineData("/msg bob", "ERR usage: /msg <nick> <text>")]
    [InlineData("/msg", "ERR usage: /msg <nick> <text>")]
    [InlineData("/nick", "ERR usage: /nick <new>")]
    [InlineData("/me", "ERR usage: /me <action>")]
    [InlineData("/dance", "ERR unknown command '/dance' (try /help)")]
    [InlineData("/nick bob", "ERR nickname 'bob' is already in use")]
    [InlineData("/nick BOB", "ERR nickname 'BOB' is already in use")]
    [InlineData("/nick bad:name", "ERR nickname may not contain ':'")]
    public async Task RefusedCommandGetsAnErrorToTheSenderAloneAndChangesNothing(string command, string expectedError)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync(command);

        await room[0].ExpectLineAsync(expectedError);
        await room[1].ExpectNothingPendingAsync();
        await room[0].SendLineAsync("/who");
        await room[0].ExpectLineAsync("Users here (2): alice, bob");
    }

    [Fact]
    public async Task RenameIsAnnouncedToEveryoneAndLaterLinesUseTheNewName()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/nick alicia");
        await room.AllExpectLinesAsync("alice is now known as alicia");

        await room[0].SendLineAsync("hi");
        await room[0].SendLineAsync("/me waves");
        await room.AllExpectLinesAsync("alicia: hi", "* alicia waves");

        await room[1].SendLineAsync("/who");
        await room[1].ExpectLineAsync("Users here (2): alicia, bob");
        await server.JoinAsync("alice");
    }

    [Fact]
    public async Task MeActionIsShownToEveryone()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/me waves");

        await room.AllExpectLinesAsync("* alice waves");
    }

    [Fact]
    public async Task HelpListsEveryCommand()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");

        await alice.SendLineAsync("/help");
        await alice.SendLineAsync("/ping end-of-help");
        var help = new List<string>();
        for (var line = await alice.ReadLineAsync(); line != "PONG end-of-help"; line = await alice.ReadLineAsync())
        {
            Assert.True(help.Count < 50, "the /help reply does not end");
            help.Add(line);
        }

        foreach (var command in new[] { "/who", "/msg", "/nick", "/me", "/quit", "/help", "/json", "/ping", "//" })
        {
            Assert.Contains(help, line => line.Contains(command, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("/ping 7", "PONG 7")]
    [InlineData("/ping", "PONG")]
    [InlineData("/PING loud", "PONG loud")]
    [InlineData("/Who", "Users here (1): alice")]
    public async Task CommandIsAnsweredWhateverTheCaseOfItsName(string command, string answer)
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");

        await alice.SendLineAsync(command);

        await alice.ExpectLineAsync(answer);
    }
}
