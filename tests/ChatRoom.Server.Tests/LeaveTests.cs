using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class LeaveTests
{
    [Fact]
    public async Task QuitIsAnnouncedToTheOthersAndClosesTheQuittersConnection()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/quit bye");

        await room[0].ExpectClosedAsync();
        await room[1].ExpectLineAsync("alice left the chat!");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DroppedConnectionIsAnnouncedAsALeave(bool reset)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        if (reset)
        {
            room[0].Reset();
        }
        else
        {
            room[0].Dispose();
        }

        await room[1].ExpectLineAsync("alice left the chat!");
        await room[1].SendLineAsync("/who");
        await room[1].ExpectLineAsync("Users here (1): bob");
    }

    [Fact]
    public async Task BurstOfAbruptDisconnectsIsAnnouncedOnceEachAndLeavesTheRoomUsable()
    {
        const int leavers = 50;
        await using var server = await TestChatServer.StartAsync();
        var observer = await server.JoinAsync("observer");
        var nicknames = Enumerable.Range(1, leavers).Select(i => $"user{i}").ToArray();
        var clients = new List<TestChatClient>();
        foreach (var nickname in nicknames)
        {
            clients.Add(await server.JoinAsync(nickname));
            await observer.ExpectLineAsync($"{nickname} joined the chat!");
        }

        foreach (var client in clients)
        {
            client.Reset();
        }

        var leaves = await observer.ReadLinesAsync(leavers);
        Assert.Equal(nicknames.Select(nick => $"{nick} left the chat!").Order(StringComparer.Ordinal), leaves.Order(StringComparer.Ordinal));
        await observer.SendLineAsync("/who");
        await observer.ExpectLineAsync("Users here (1): observer");
        await server.JoinAsync("latecomer");
        await observer.ExpectLineAsync("latecomer joined the chat!");
    }

    [Fact]
    public async Task NicknameIsFreeAgainOnceItsHolderLeft()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/quit");
        await room[1].ExpectLineAsync("alice left the chat!");

        await server.JoinAsync("Alice");
        await room[1].ExpectLineAsync("Alice joined the chat!");
    }

    [Fact]
    public async Task ServerShutdownTellsClientsWhyAndClosesTheirConnections()
    {
        await using var server = await TestChatServer.StartAsync();
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");

        await server.StopAsync();

        var notice = await carol.ExpectEventAsync(ChatEventKind.System);
        Assert.Equal("shutdown", notice.Code);
        await carol.ExpectClosedAsync();
    }
}
