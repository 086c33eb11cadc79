using System.Diagnostics.Metrics;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Commands;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using ChatRoom.Server.Tests.Harness;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatRoom.Server.Tests;

/// <summary>
/// <see cref="ChatCommands"/> against a real <see cref="Room"/> with in-memory callers and no sockets: what each line
/// does during the handshake and in the room, and who is told.
/// </summary>
public sealed class ChatCommandsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Room _room;
    private readonly ChatCommands _commands;

    public ChatCommandsTests()
    {
        var metrics = new ChatMetrics(_services.GetRequiredService<IMeterFactory>());
        _room = new Room(new LocalBroadcastBus(), metrics, TimeProvider.System);
        _commands = new ChatCommands(_room, metrics, NullLogger<ChatCommands>.Instance);
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("alice")]
    [InlineData("/nick alice")]
    public void AnAcceptedNicknameJoinsTheRoom(string answer)
    {
        var alice = new InMemoryMember();

        Assert.True(Handshake(alice, answer));

        Assert.Equal("alice", alice.Nickname);
        Assert.Equal([PlainText.Welcome, "alice joined the chat!"], alice.Lines);
    }

    [Fact]
    public void RefusedNicknameIsToldWhyAndJoinsNothing()
    {
        var stranger = new InMemoryMember();

        Assert.False(Handshake(stranger, "bad:name"));

        Assert.Null(stranger.Nickname);
        Assert.Equal(["ERR nickname may not contain ':'"], stranger.Lines);
        Assert.Empty(_room.Who());
    }

    [Fact]
    public void NicknameInUseIsRefusedWhateverItsCase()
    {
        var alice = Joined("alice");
        alice.ClearLines();
        var second = new InMemoryMember();

        Assert.False(Handshake(second, "ALICE"));

        Assert.Equal(["ERR nickname 'ALICE' is already in use"], second.Lines);
        Assert.Empty(alice.Lines);
    }

    [Fact]
    public void JsonDuringTheHandshakeSwitchesOutputAndAsksForTheNicknameAgain()
    {
        var client = new InMemoryMember();

        Assert.True(Handshake(client, "/json"));

        Assert.True(client.IsStructured);
        Assert.Null(client.Nickname);
        Assert.Equal(["structured mode on", PlainText.NickPrompt], client.Lines);
    }

    [Theory]
    [InlineData("/ping", "PONG")]
    [InlineData("/ping 42", "PONG 42")]
    public void PingIsAnsweredBeforeAndAfterJoining(string line, string expected)
    {
        var stranger = new InMemoryMember();
        var alice = Joined("alice");
        alice.ClearLines();

        Assert.True(Handshake(stranger, line));
        Execute(alice, line);

        Assert.Equal([expected], stranger.Lines);
        Assert.Equal([expected], alice.Lines);
        Assert.Null(stranger.Nickname);
    }

    [Fact]
    public void QuitEndsTheConversationBeforeAndAfterJoining()
    {
        var stranger = new InMemoryMember();
        var alice = Joined("alice");

        Handshake(stranger, "/quit");
        Execute(alice, "/quit");

        Assert.True(stranger.HasQuit);
        Assert.True(alice.HasQuit);
    }

    [Fact]
    public void MessagesAndActionsGoToEveryoneTheSenderIncluded()
    {
        var (alice, bob) = (Joined("alice"), Joined("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Execute(alice, "hello");
        Execute(bob, "/me waves");

        Assert.Equal(["alice: hello", "* bob waves"], alice.Lines);
        Assert.Equal(["alice: hello", "* bob waves"], bob.Lines);
    }

    [Fact]
    public void WhisperGoesToItsTargetAlone()
    {
        var (alice, bob, carol) = (Joined("alice"), Joined("bob"), Joined("carol"));
        InMemoryMember.ClearLines(alice, bob, carol);

        Execute(alice, "/msg bob just between us");

        Assert.Equal(["[private to bob] just between us"], alice.Lines);
        Assert.Equal(["[private] alice: just between us"], bob.Lines);
        Assert.Empty(carol.Lines);
    }

    [Fact]
    public void WhoListsTheMembersInJoinOrderToTheAskerAlone()
    {
        var (carol, alice) = (Joined("carol"), Joined("alice"));
        InMemoryMember.ClearLines(carol, alice);

        Execute(alice, "/who");

        Assert.Equal(["Users here (2): carol, alice"], alice.Lines);
        Assert.Empty(carol.Lines);
    }

    [Fact]
    public void RenameIsAnnouncedToEveryone()
    {
        var (alice, bob) = (Joined("alice"), Joined("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Execute(bob, "/nick robert");

        Assert.Equal("robert", bob.Nickname);
        Assert.Equal(["bob is now known as robert"], alice.Lines);
        Assert.Equal(["bob is now known as robert"], bob.Lines);
    }

    [Theory]
    [InlineData("/msg nobody x", "ERR no such user 'nobody'")]
    [InlineData("/msg bob", "ERR usage: /msg <nick> <text>")]
    [InlineData("/nick", "ERR usage: /nick <new>")]
    [InlineData("/me", "ERR usage: /me <action>")]
    [InlineData("/dance", "ERR unknown command '/dance' (try /help)")]
    [InlineData("/nick BOB", "ERR nickname 'BOB' is already in use")]
    [InlineData("/nick bad:name", "ERR nickname may not contain ':'")]
    public void RefusedCommandIsExplainedToItsSenderAloneAndChangesNothing(string line, string expected)
    {
        var (alice, bob) = (Joined("alice"), Joined("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Execute(alice, line);

        Assert.Equal([expected], alice.Lines);
        Assert.Empty(bob.Lines);
        Assert.Equal(["alice", "bob"], _room.Who());
    }

    [Fact]
    public void HelpListsTheCommandsToTheAskerAlone()
    {
        var (alice, bob) = (Joined("alice"), Joined("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Execute(alice, "/help");

        Assert.Equal([CommandHelp.Text], alice.Lines);
        Assert.Empty(bob.Lines);
    }

    private bool Handshake(InMemoryMember caller, string line) => Finished(_commands.Handshake(caller, ChatLine.Parse(line), line));

    private void Execute(InMemoryMember caller, string line) =>
        Finished(_commands.Execute(caller, ChatLine.Parse(line), TraceContext.None, receivedTimestamp: 0));

    // Without a backplane every command finishes before it returns: nothing here waits.
    private static T Finished<T>(ValueTask<T> command)
    {
        Assert.True(command.IsCompletedSuccessfully, "a command of a room in one process finished at once");
        return command.Result;
    }

    private static void Finished(ValueTask command) =>
        Assert.True(command.IsCompletedSuccessfully, "a command of a room in one process finished at once");

    private InMemoryMember Joined(string nickname)
    {
        var member = new InMemoryMember();
        Assert.True(Handshake(member, nickname));
        return member;
    }
}
