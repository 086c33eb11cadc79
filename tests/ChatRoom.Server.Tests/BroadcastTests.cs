using System.Text;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class BroadcastTests
{
    [Fact]
    public async Task ConcurrentSendersAreSeenByEveryoneInOneIdenticalOrder()
    {
        const int messagesPerClient = 20;
        string[] nicknames = ["ann", "ben", "cat", "dan", "eve"];
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync(nicknames);

        await Task.WhenAll(room.Select(async (client, sender) =>
        {
            for (var i = 0; i < messagesPerClient; i++)
            {
                await client.SendLineAsync($"message {i} from {nicknames[sender]}");
            }
        }));
        var seen = await Task.WhenAll(room.Select(client => client.ReadLinesAsync(nicknames.Length * messagesPerClient)));

        var expected = nicknames.SelectMany(nick => Enumerable.Range(0, messagesPerClient).Select(i => $"{nick}: message {i} from {nick}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen[0].Order(StringComparer.Ordinal));
        foreach (var nick in nicknames)
        {
            // Each sender's lines keep the order it sent them in.
            var fromNick = seen[0].Where(line => line.StartsWith(nick + ":", StringComparison.Ordinal));
            Assert.Equal(Enumerable.Range(0, messagesPerClient).Select(i => $"{nick}: message {i} from {nick}"), fromNick);
        }

        foreach (var other in seen.Skip(1))
        {
            Assert.Equal(seen[0], other);
        }
    }

    [Fact]
    public async Task EveryoneInARoomTooBigForOneThreadToDrainHearsAWholeWriteInOrder()
    {
        // More members than one read loop drains itself (DrainBatch.MaxDrainedInline): their drains go to the
        // thread pool, for the joins of this room and for the talker's lines.
        const int members = 300;
        await using var server = await TestChatServer.StartAsync();
        var room = await Task.WhenAll(Enumerable.Range(0, members).Select(async i =>
        {
            var client = await server.ConnectToNickPromptAsync($"m{i}");
            await client.SendLineAsync($"m{i}");
            await client.ExpectLineAsync("Connected to the server!");
            return client;
        }));

        await room[0].SendRawAsync("one\ntwo\nthree\n"u8.ToArray());

        var heard = await Task.WhenAll(room.Select(client => client.ReadUntilAsync("m0: three")));
        foreach (var lines in heard)
        {
            Assert.Equal(["m0: one", "m0: two"], lines.Where(line => line.StartsWith("m0: ", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData("hello", "alice: hello")]
    [InlineData("bob: hi", "alice: bob: hi")]
    [InlineData("//slash", "alice: /slash")]
    [InlineData("tab\tinside, ünïcödé and 世界", "alice: tab\tinside, ünïcödé and 世界")]
    [InlineData("  spaced  ", "alice:   spaced  ")]
    [InlineData("{\"text\":\"not an envelope in plain mode\"}", "alice: {\"text\":\"not an envelope in plain mode\"}")]
    public async Task MessageReachesEveryoneWithTheSendersNicknameInFront(string sent, string shown)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync(sent);

        await room.AllExpectLinesAsync(shown);
    }

    [Fact]
    public async Task EmptyLinesAreIgnored()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendRawAsync("\n\r\n\n"u8.ToArray());
        await room[0].SendLineAsync("after the empty lines");

        await room.AllExpectLinesAsync("alice: after the empty lines");
    }

    [Fact]
    public async Task CrlfLineEndsAreAcceptedAndTheServerSendsLfAlone()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendRawAsync(Encoding.UTF8.GetBytes("first\r\nsecond\r\n"));

        // The test client splits on LF only: a CR the server kept or added would show in the line.
        await room.AllExpectLinesAsync("alice: first", "alice: second");
    }

    [Fact]
    public async Task LineSplitAcrossSeveralWritesArrivesWhole()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        foreach (var part in new[] { "sp", "lit ", "in ", "pieces\nand a se", "cond\n" })
        {
            await room[0].SendRawAsync(Encoding.UTF8.GetBytes(part));
            await Task.Delay(20);
        }

        await room[1].ExpectLinesAsync("alice: split in pieces", "alice: and a second");
    }
}
