using System.Diagnostics.Metrics;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using ChatRoom.Server.Tests.Harness;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The <see cref="Room"/> with in-memory members and no sockets: who sees what, in which one order, and what the room
/// refuses once it is closed.
/// </summary>
public sealed class RoomTests : IDisposable
{
    private static readonly ChatEvent Welcome = new() { Kind = ChatEventKind.System, Code = "welcome", Text = PlainText.Welcome };

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Room _room;

    public RoomTests() =>
        _room = new Room(new LocalBroadcastBus(), new ChatMetrics(_services.GetRequiredService<IMeterFactory>()), TimeProvider.System);

    public void Dispose() => _services.Dispose();

    [Fact]
    public void NewcomerIsWelcomedThenEveryoneSeesTheJoin()
    {
        var alice = Join("alice");
        var bob = Join("bob");

        Assert.Equal([PlainText.Welcome, "alice joined the chat!", "bob joined the chat!"], alice.Lines);
        Assert.Equal([PlainText.Welcome, "bob joined the chat!"], bob.Lines);
        Assert.Equal(["alice", "bob"], _room.Who());
    }

    [Fact]
    public void NicknameThatDiffersOnlyInCaseIsInUseAndNobodyHearsOfTheAttempt()
    {
        var alice = Join("alice");
        alice.ClearLines();
        var impostor = new InMemoryMember();

        Assert.Equal(JoinResult.NicknameInUse, _room.TryJoin(impostor, "ALICE", Welcome));

        Assert.Null(impostor.Nickname);
        Assert.Empty(impostor.Lines);
        Assert.Empty(alice.Lines);
        Assert.Equal(["alice"], _room.Who());
    }

    [Fact]
    public void WhatIsSaidReachesEveryMemberTheSenderIncludedInOneOrder()
    {
        var (alice, bob, carol) = (Join("alice"), Join("bob"), Join("carol"));
        InMemoryMember.ClearLines(alice, bob, carol);

        var first = _room.Say(alice, ChatEventKind.Message, "hello", TraceContext.None, receivedTimestamp: 0);
        var second = _room.Say(bob, ChatEventKind.Action, "waves", TraceContext.None, receivedTimestamp: 0);

        Assert.Equal(3, first?.Recipients);
        Assert.True(second?.Id > first?.Id, "a later broadcast has a greater id");
        foreach (var member in new[] { alice, bob, carol })
        {
            Assert.Equal(["alice: hello", "* bob waves"], member.Lines);
            Assert.Equal([first?.Id, second?.Id], member.Events.Select(e => e.Id));
            Assert.All(member.Events, e => Assert.Equal(Room.Name, e.Room));
        }
    }

    [Fact]
    public void WhisperReachesItsTargetAndItsSenderAlone()
    {
        var (alice, bob, carol) = (Join("alice"), Join("bob"), Join("carol"));
        InMemoryMember.ClearLines(alice, bob, carol);

        Assert.Equal("bob", _room.Whisper(alice, "BOB", "just between us", TraceContext.None, receivedTimestamp: 0));

        Assert.Equal(["[private to bob] just between us"], alice.Lines);
        Assert.Equal(["[private] alice: just between us"], bob.Lines);
        Assert.Empty(carol.Lines);
    }

    [Fact]
    public void WhisperToNobodyReachesNobody()
    {
        var (alice, bob) = (Join("alice"), Join("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Assert.Null(_room.Whisper(alice, "carol", "anyone?", TraceContext.None, receivedTimestamp: 0));

        Assert.Empty(alice.Lines);
        Assert.Empty(bob.Lines);
    }

    [Fact]
    public void LeaveIsAnnouncedToTheOthersWithItsCodeOnce()
    {
        var (alice, bob) = (Join("alice"), Join("bob"));
        InMemoryMember.ClearLines(alice, bob);

        _room.Leave(bob, "quit");
        _room.Leave(bob, "quit");

        Assert.Equal(["bob left the chat!"], alice.Lines);
        Assert.Equal("quit", Assert.Single(alice.Events).Code);
        Assert.Empty(bob.Lines);
        Assert.Equal(["alice"], _room.Who());
    }

    [Fact]
    public void RenameIsAnnouncedAndFreesTheOldName()
    {
        var (alice, bob) = (Join("alice"), Join("bob"));
        InMemoryMember.ClearLines(alice, bob);

        Assert.True(_room.TryRename(bob, "robert"));
        Assert.False(_room.TryRename(alice, "Robert"));

        Assert.Equal(["bob is now known as robert"], alice.Lines);
        Assert.Equal(["bob is now known as robert"], bob.Lines);
        Assert.Equal(("alice", "robert"), (alice.Nickname, bob.Nickname));
        Assert.Equal(JoinResult.Joined, _room.TryJoin(new InMemoryMember(), "bob", Welcome));
    }

    [Fact]
    public void ClosedRoomGivesEveryoneTheNoticeLastAndRefusesEverythingAfter()
    {
        var (alice, bob) = (Join("alice"), Join("bob"));
        InMemoryMember.ClearLines(alice, bob);
        _room.Say(alice, ChatEventKind.Message, "last words", TraceContext.None, receivedTimestamp: 0);

        _room.Close();

        Assert.Null(_room.Say(bob, ChatEventKind.Message, "too late", TraceContext.None, receivedTimestamp: 0));
        Assert.Null(_room.Whisper(bob, "alice", "too late", TraceContext.None, receivedTimestamp: 0));
        Assert.False(_room.TryRename(bob, "robert"));
        Assert.Equal(JoinResult.Closed, _room.TryJoin(new InMemoryMember(), "carol", Welcome));
        _room.Leave(bob, "shutdown");
        foreach (var member in new[] { alice, bob })
        {
            Assert.Equal(["alice: last words", PlainText.Render(Room.ShutdownNotice)], member.Lines);
        }
    }

    [Fact]
    public void DeliveryIsCollectedForEveryMember()
    {
        var (alice, bob) = (Join("alice"), Join("bob"));
        bob.Owed = new DeliveryState(QueuedBytes: 4096, Lag: TimeSpan.FromSeconds(2), FlushPending: TimeSpan.Zero);
        var collected = new List<MemberDelivery>();

        _room.CollectDelivery(collected);

        Assert.Equal([new MemberDelivery(alice, default), new MemberDelivery(bob, bob.Owed)], collected);
    }

    private InMemoryMember Join(string nickname)
    {
        var member = new InMemoryMember();
        Assert.Equal(JoinResult.Joined, _room.TryJoin(member, nickname, Welcome));
        return member;
    }
}
