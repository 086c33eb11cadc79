using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// What docs/security.md promises of a shutdown: the room closes first, everyone (joined or still choosing a
/// nickname) is told, nothing is said after the notice, every connection closes right after it, and a client that
/// does not read cannot hold up the others or the stop beyond its few seconds of drain.
/// </summary>
public sealed class ShutdownTests
{
    private const string Notice = "Server is shutting down.";

    // From the notice to the end of the connection: a session closes by itself once its notice is written, long
    // before the host's shutdown timeout (5 s), when Kestrel aborts whatever is left.
    private static readonly TimeSpan ClosedAfterTheNotice = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task EveryClientJoinedOrStillInItsHandshakeIsToldThenClosedAtOnce()
    {
        await using var server = await TestChatServer.StartAsync();
        var plain = await server.JoinAsync("plain");
        var structured = await server.ConnectAsync("structured");
        await structured.JoinStructuredAsync("structured");
        var handshaking = await server.ConnectToNickPromptAsync("handshaking");
        var handshakingStructured = await server.ConnectToNickPromptAsync("handshaking-structured");
        await handshakingStructured.SwitchToStructuredAsync();
        await handshakingStructured.ExpectEventAsync(ChatEventKind.Nick);
        await plain.ExpectLineAsync("structured joined the chat!");

        var stopping = server.StopAsync();

        foreach (var client in (TestChatClient[])[plain, handshaking])
        {
            await client.ExpectLineAsync(Notice);
            await client.ExpectClosedAsync(ClosedAfterTheNotice);
        }

        foreach (var client in (TestChatClient[])[structured, handshakingStructured])
        {
            var notice = await client.ExpectEventAsync(ChatEventKind.System);
            Assert.Equal(("shutdown", Notice), (notice.Code, notice.Text));
            await client.ExpectClosedAsync(ClosedAfterTheNotice);
        }

        await stopping;
    }

    [Fact]
    public async Task OnceTheRoomIsClosedNothingIsSaidInItNotEvenANewcomersJoin()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var newcomer = await server.ConnectToNickPromptAsync("newcomer");

        // The first step of a shutdown, the one the host takes before Kestrel stops: the room closes.
        server.Services.GetRequiredService<Room>().Close();
        await room.AllExpectLinesAsync(Notice);

        await newcomer.SendLineAsync("newcomer");
        await room[0].SendLineAsync("said too late");
        await room[0].SendLineAsync("/msg bob whispered too late");
        await room[1].SendLineAsync("/nick renamed");
        // The handshake's /ping answers once the nickname before it has been handled: the join was refused, silently.
        await newcomer.SendLineAsync("/ping after-the-nickname");
        await newcomer.ExpectLineAsync("PONG after-the-nickname");
        foreach (var member in room)
        {
            await member.SendLineAsync("/ping after-the-room-closed");
            await member.ExpectLineAsync("PONG after-the-room-closed");
        }

        // Kestrel stops: the newcomer, never joined, is told now; the members are not told twice.
        var stopping = server.StopAsync();
        await newcomer.ExpectLineAsync(Notice);
        await newcomer.ExpectClosedAsync(ClosedAfterTheNotice);
        foreach (var member in room)
        {
            await member.ExpectClosedAsync(ClosedAfterTheNotice);
        }

        await stopping;
    }

    [Fact]
    public async Task ClientThatDoesNotReadHoldsUpNeitherTheOthersNorTheStopBeyondItsDrain()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Enabled=false");
        var reader = await server.JoinAsync("reader");
        var talker = await server.JoinAsync("talker");
        await reader.ExpectLineAsync("talker joined the chat!");
        using var stuck = await server.JoinWithoutReadingAsync("stuck", receiveBufferSize: 4096);
        await reader.ExpectLineAsync("stuck joined the chat!");
        await talker.ExpectLineAsync("stuck joined the chat!");

        // Until the server owes "stuck" more than its socket takes: a drain that cannot finish by itself.
        var chat = server.Services.GetRequiredService<Room>();
        var padding = new string('x', 4000);
        for (var round = 0; !IsWaitingForTheSocket(chat, "stuck"); round++)
        {
            Assert.True(round < 200, "stuck was never owed anything: its socket took everything");
            var lines = Enumerable.Range(0, 50).Select(i => $"{round}.{i} {padding}").ToArray();
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            foreach (var client in (TestChatClient[])[reader, talker])
            {
                await client.ReadUntilAsync("talker: " + lines[^1]);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        var stopping = server.StopAsync();

        // The readers are told and closed at once, whatever "stuck" still holds.
        foreach (var client in (TestChatClient[])[reader, talker])
        {
            await client.ExpectLineAsync(Notice);
            await client.ExpectClosedAsync(ClosedAfterTheNotice);
        }

        // "stuck" gets 5 s to take its last lines, then the connection is cut; the host stops after that, by itself,
        // before the harness's own bound (15 s) would fail it.
        await stopping;
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"the server took {stopwatch.Elapsed.TotalSeconds:0.0} s to stop");
        Assert.True(await IsClosedAsync(stuck), "the connection of the client that did not read was still open after the stop");
    }

    /// <summary>Whether a flush to <paramref name="nickname"/> waits for its socket to take something.</summary>
    private static bool IsWaitingForTheSocket(Room room, string nickname)
    {
        var owed = new List<MemberDelivery>();
        room.CollectDelivery(owed);
        return owed.Any(member => member.Member.Nickname == nickname && member.State.FlushPending > TimeSpan.Zero);
    }

    /// <summary>Reads what the server had sent the socket; true once the server has closed it (end of stream or reset).</summary>
    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
