using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>Bad input costs only the client that sent it: it is told why, and everyone else carries on.</summary>
public sealed class BadInputTests
{
    private const string TooLong = "ERR line is longer than 4096 bytes";
    private const string ControlCharacters = "ERR line contains control characters";
    private const string DirectionOverride = "ERR line contains bidirectional override characters";

    private static readonly string Padding = new('p', 200);

    // The flood gate delays lines on purpose: reads during a flood get more time than the default.
    private static readonly TimeSpan FloodWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task LineLongerThanTheLimitIsRefusedAndTheNextLineWorks()
    {
        await AssertRefusedToTheSenderAloneAsync(Encoding.ASCII.GetBytes(new string('x', 5000) + "\n"), TooLong);
    }

    [Fact]
    public async Task LineOfExactlyTheLimitIsAccepted()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var longest = new string('y', 4096);

        await room[0].SendLineAsync(longest);
        await room[0].SendRawAsync(Encoding.ASCII.GetBytes(longest + "\r\n"));

        await room[1].ExpectLinesAsync("alice: " + longest, "alice: " + longest);
    }

    [Fact]
    public async Task EndlessLineIsRefusedOnceAsSoonAsItPassesTheLimit()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var chunk = Encoding.ASCII.GetBytes(new string('z', 64 * 1024));

        for (var sent = 0; sent < 1024 * 1024; sent += chunk.Length)
        {
            await room[0].SendRawAsync(chunk);
        }

        // No LF yet: the refusal must not wait for the end of the line.
        await room[0].ExpectLineAsync(TooLong);
        await room[0].ExpectNoLineWithinAsync();
        await room[0].SendRawAsync("\nback to normal\n"u8.ToArray());
        await room.AllExpectLinesAsync("alice: back to normal");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { (byte)'a', 0xC3 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task InvalidUtf8IsRefused(byte[] bytes)
    {
        await AssertRefusedToTheSenderAloneAsync([.. bytes, (byte)'\n'], "ERR line is not valid UTF-8");
    }

    [Theory]
    [InlineData("\u001b[31mred", ControlCharacters)]
    [InlineData("nul\0byte", ControlCharacters)]
    [InlineData("delete\u007f", ControlCharacters)]
    [InlineData("bell\u0007", ControlCharacters)]
    [InlineData("lone\rcarriage return", ControlCharacters)]
    [InlineData("c1\u009b31m", ControlCharacters)]
    [InlineData("next\u0085line", ControlCharacters)]
    [InlineData("abc\u202Eevil", DirectionOverride)]
    [InlineData("\u202Aembedding", DirectionOverride)]
    [InlineData("isolate\u2066x\u2069", DirectionOverride)]
    public async Task TerminalControlAndBidirectionalOverrideCharactersAreRefused(string text, string expectedError)
    {
        await AssertRefusedToTheSenderAloneAsync(Encoding.UTF8.GetBytes(text + "\n"), expectedError);
    }

    [Fact]
    public async Task ClientThatNeverReadsIsDisconnectedWhileTheOthersGetEverythingInOrder()
    {
        // Small batches that a reading client takes at once: only the one that never reads falls behind.
        const int batch = 20;
        const int maxBatches = 1000;
        // Flood control is lifted: this test is about the outbox, not about the talker's pace.
        await using var server = await TestChatServer.StartAsync("MaxSendQueueBytes=16384", "Flood:Burst=1000000");
        var room = await server.JoinRoomAsync("reader", "talker");
        var (reader, talker) = (room[0], room[1]);
        using var nonReader = await server.JoinWithoutReadingAsync("sleepy", receiveBufferSize: 4096);
        await reader.ExpectLineAsync("sleepy joined the chat!");
        await talker.ExpectLineAsync("sleepy joined the chat!");
        var stopwatch = Stopwatch.StartNew();
        var (readerSawLeave, talkerSawLeave) = (false, false);

        for (var round = 0; round < maxBatches && !(readerSawLeave && talkerSawLeave); round++)
        {
            var lines = Enumerable.Range(0, batch).Select(i => $"{round}.{i} {Padding}").ToArray();
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            readerSawLeave = await ExpectRoundAsync(reader, lines, readerSawLeave);
            // The talker reads its own lines too, so only the client that never reads can fall behind, however
            // the test's threads are scheduled.
            talkerSawLeave = await ExpectRoundAsync(talker, lines, talkerSawLeave);
        }

        Assert.True(readerSawLeave && talkerSawLeave, $"the client that never reads was still in the room after {maxBatches * batch} messages");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"the room slowed down: {stopwatch.Elapsed}");
        await reader.SendLineAsync("/who");
        await reader.ExpectLineAsync("Users here (2): reader, talker");
        await AssertClosedByServerAsync(nonReader);
    }

    /// <summary>Reads the talker's <paramref name="lines"/> in order; true once "sleepy left" has come among them.</summary>
    private static async Task<bool> ExpectRoundAsync(TestChatClient client, string[] lines, bool sleepyLeft)
    {
        foreach (var line in lines)
        {
            var received = await client.ReadLineAsync();
            if (received == "sleepy left the chat!" && !sleepyLeft)
            {
                sleepyLeft = true;
                received = await client.ReadLineAsync();
            }

            Assert.Equal("talker: " + line, received);
        }

        return sleepyLeft;
    }

    [Fact]
    public async Task PasteLargerThanTheFloodLimitCostsOnlyTheFlooder()
    {
        // 5000 lines (about 1 MiB, four times the default send queue) in one write. The flood gate delays the
        // lines past its burst and disconnects the client that keeps flooding; everyone else stays, and sees
        // the lines the room accepted, in order, then the flooder leave.
        const int count = 5000;
        await using var server = await TestChatServer.StartAsync("Flood:Burst=20", "Flood:LinesPerSecond=20", "Flood:MaxDelayedLines=5");
        var room = await server.JoinRoomAsync("reader", "talker");
        var (reader, talker) = (room[0], room[1]);

        await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"{i} {Padding}\n"))));

        var accepted = 0;
        for (var line = await reader.ReadLineAsync(); line != "talker left the chat!"; line = await reader.ReadLineAsync())
        {
            Assert.Equal($"talker: {accepted++} {Padding}", line);
        }

        Assert.InRange(accepted, 20, 100);
        var echoes = 0;
        var warned = false;
        for (var line = await talker.ReadLineAsync(FloodWait); line != "ERR disconnected for flooding"; line = await talker.ReadLineAsync(FloodWait))
        {
            if (line == "ERR flooding: slow down to 20 lines per second; your lines are being delayed")
            {
                // Warned when the burst is spent. (Warned again only if a stall of the server itself, long enough to
                // refill half the burst, ended the flood in between: that is a new flood, and may be said again.)
                Assert.True(warned || echoes >= 20, $"warned after only {echoes} lines, inside the burst");
                warned = true;
            }
            else
            {
                Assert.Equal($"talker: {echoes++} {Padding}", line);
            }
        }

        Assert.True(warned, "the flooder was disconnected without being told to slow down first");
        Assert.Equal(accepted, echoes);
        await talker.ExpectClosedAsync(FloodWait);
        await reader.SendLineAsync("/who");
        await reader.ExpectLineAsync("Users here (1): reader");
    }

    [Fact]
    public async Task LinesInsideTheBurstArriveWhileTheFlooderWaits()
    {
        // Four lines in one write, a burst of three, then one line every four seconds: the three are delivered at
        // once, not held back with the fourth until the flood gate lets it through.
        await using var server = await TestChatServer.StartAsync("Flood:Burst=3", "Flood:LinesPerSecond=0.25");
        var room = await server.JoinRoomAsync("reader", "talker");
        var (reader, talker) = (room[0], room[1]);
        var sent = Stopwatch.StartNew();

        await talker.SendRawAsync("one\ntwo\nthree\nfour\n"u8.ToArray());

        foreach (var expected in (string[])["talker: one", "talker: two", "talker: three"])
        {
            Assert.Equal(expected, await reader.ReadLineAsync(TimeSpan.FromSeconds(2)));
        }

        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(2), $"the burst took {sent.Elapsed.TotalSeconds:0.0} s");
        await talker.ExpectLinesAsync("talker: one", "talker: two", "talker: three",
            "ERR flooding: slow down to 0.25 lines per second; your lines are being delayed");
        await reader.ExpectLineAsync("talker: four", FloodWait);
        Assert.True(sent.Elapsed > TimeSpan.FromSeconds(3),
            $"the fourth line came after {sent.Elapsed.TotalSeconds:0.0} s, inside the burst");
    }

    [Fact]
    public async Task FullServerRefusesTheNextConnectionUntilSomeoneLeaves()
    {
        await using var server = await TestChatServer.StartAsync("MaxClients=2");
        var room = await server.JoinRoomAsync("alice", "bob");

        var refused = await server.ConnectAsync("refused");
        await refused.ExpectLineAsync("ERR server is full");
        await refused.ExpectClosedAsync();
        await room[1].SendLineAsync("/quit");
        await room[1].ExpectClosedAsync();
        await room[0].ExpectLineAsync("bob left the chat!");

        await server.JoinAsync("carol");
        await room[0].ExpectLineAsync("carol joined the chat!");
    }

    /// <summary>
    /// alice sends <paramref name="line"/>: she alone gets <paramref name="expectedError"/>, bob receives nothing,
    /// and alice's next line reaches everyone.
    /// </summary>
    private static async Task AssertRefusedToTheSenderAloneAsync(byte[] line, string expectedError)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendRawAsync(line);

        await room[0].ExpectLineAsync(expectedError);
        await room[1].ExpectNoLineWithinAsync();
        await room[0].SendLineAsync("still here");
        await room.AllExpectLinesAsync("alice: still here");
    }

    /// <summary>Reads and drops what the server had sent the socket, then expects the end of the connection.</summary>
    private static async Task AssertClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server had not closed the slow consumer's connection after {TestChatClient.DefaultTimeout.TotalSeconds} s");
        }
    }
}
