using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The delivery guarantee of docs/security.md, over real sockets: a client that reads is never disconnected, however
/// many senders burst at once and however slow its link; one that falls behind is disconnected by lag or budget, told
/// why, and its memory is given back; structured clients cost what plain ones cost; replies fit in short lines.
/// </summary>
public sealed class DeliveryPolicyTests
{
    private const int Senders = 30;
    private const int LinesPerSender = 20; // the default flood burst: each sender's burst is legal
    private const int LineBytes = 4000;

    [Fact]
    public async Task ThirtyLegalBurstsAtOnceReachEveryReaderFastOrSlowInTheOneOrder()
    {
        // The server's defaults: flood control, lag limit and budget as a user runs them.
        await using var server = await TestChatServer.StartAsync();
        var witness = await server.JoinAsync("witness");
        var structured = await server.ConnectAsync("structured");
        await structured.JoinStructuredAsync("structured");
        await witness.ExpectLineAsync("structured joined the chat!");
        using var throttled = await ThrottledReader.JoinAsync(server.ChatPort, "throttled");
        await witness.ExpectLineAsync("throttled joined the chat!");
        using var piped = ClientProcess.Start(server.ChatPort, "--nick", "piped");
        await witness.ExpectLineAsync("piped joined the chat!", TimeSpan.FromSeconds(30));
        var senders = await JoinSendersAsync(server, witness);

        // Every sender writes its whole burst in one write, all at once: 2.4 MB owed to every member in an instant.
        var bursts = senders.Select((sender, s) => sender.SendRawAsync(Encoding.ASCII.GetBytes(
            string.Concat(Enumerable.Range(0, LinesPerSender).Select(l => Line(s, l) + "\n")))));
        await Task.WhenAll(bursts);

        var expectedCount = Senders * LinesPerSender;
        var order = await ReadMessagesAsync(witness, expectedCount);
        AssertEachSendersLinesInOrder(order);
        Assert.Equal(order, await ReadStructuredMessagesAsync(structured, expectedCount));
        foreach (var sender in senders)
        {
            Assert.Equal(order, await ReadMessagesAsync(sender, expectedCount));
        }

        // The slow reader takes about 1 Mbit/s: the burst needs ~20 s to reach it, within the default lag limit.
        Assert.Equal(order, await throttled.ReadMessagesAsync(expectedCount, TimeSpan.FromSeconds(60)));

        // The real console client (structured underneath) in a pipe: its last line comes back after all of them.
        await piped.WriteLineAsync("after the burst");
        var result = await piped.EndInputAndWaitForExitAsync();
        result.AssertExitCode(0);
        Assert.Equal(
            [.. order, "piped: after the burst"],
            result.Stdout.Where(line => line.Contains(": ", StringComparison.Ordinal) && (line[0] == 's' || line.StartsWith("piped: ", StringComparison.Ordinal))));

        // Nobody was disconnected.
        await witness.ExpectLineAsync("piped: after the burst");
        await witness.ExpectLineAsync("piped left the chat!");
        await witness.SendLineAsync("/who");
        var who = await witness.ReadLineAsync();
        Assert.StartsWith($"Users here ({Senders + 3}): witness, structured, throttled, s00", who, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientThatReadsTooSlowlyIsToldItFellBehindThenDisconnectedAndTheOthersGetEverything()
    {
        await using var server = await TestChatServer.StartAsync("MaxSendLag=00:00:02", "Flood:Enabled=false");
        var room = await server.JoinRoomAsync("observer", "talker");
        var (observer, talker) = (room[0], room[1]);
        using var laggard = await ThrottledReader.JoinAsync(server.ChatPort, "laggard", bytesPerSecond: 64 * 1024);
        await observer.ExpectLineAsync("laggard joined the chat!");
        await talker.ExpectLineAsync("laggard joined the chat!");

        // 800 KB a second, far more than the laggard takes, until it is gone (first the kernel's buffers fill: up to
        // 4 MiB on this side of a connection).
        var sent = 0;
        var leftAfter = Stopwatch.StartNew();
        while (true)
        {
            var lines = Enumerable.Range(sent, 200).Select(i => $"{i:D5} {new string('x', LineBytes)}").ToArray();
            sent += lines.Length;
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            var gone = await ExpectRoundAsync(observer, lines, "laggard left the chat!");
            gone |= await ExpectRoundAsync(talker, lines, "laggard left the chat!");
            if (gone)
            {
                break;
            }

            Assert.True(leftAfter.Elapsed < TimeSpan.FromSeconds(30), "the laggard was still in the room after 30 s");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        // It goes on reading (now at full speed), so it hears why before the connection closes.
        var last = await laggard.ReadToEndAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("ERR disconnected: you fell more than 2 s behind the room; reconnect to catch up", last);

        // What it was owed is given back.
        await AssertNothingOwedAsync(server);
    }

    [Fact]
    public async Task ClientThatNeverReadsIsDisconnectedAtTheLagLimitWithReasonSlowConsumer()
    {
        await using var server = await TestChatServer.StartAsync("MaxSendLag=00:00:02", "WriteTimeout=00:01:00", "Flood:Enabled=false");
        var talker = await server.JoinAsync("talker");
        var observer = await server.ConnectAsync("observer");
        await observer.JoinStructuredAsync("observer");
        await talker.ExpectLineAsync("observer joined the chat!");
        using var sleepy = await server.JoinWithoutReadingAsync("sleepy", receiveBufferSize: 4096);
        await talker.ExpectLineAsync("sleepy joined the chat!");
        await observer.ExpectEventAsync(ChatEventKind.Join);

        // 400 KB a second: the kernel's buffers (up to 4 MiB on the server's side) fill within seconds.
        var padding = new string('z', LineBytes);
        ChatEvent? leave = null;
        for (var round = 0; round < 1000 && leave is null; round++)
        {
            await talker.SendLineAsync($"{round} {padding}");
            var echo = await talker.ReadLineAsync();
            Assert.Equal($"talker: {round} {padding}", echo == "sleepy left the chat!" ? await talker.ReadLineAsync() : echo);
            var received = await observer.ReadEventAsync();
            if (received.Kind == ChatEventKind.Leave)
            {
                leave = received;
                await observer.ExpectEventAsync(ChatEventKind.Message);
            }

            await Task.Delay(10);
        }

        Assert.NotNull(leave);
        Assert.Equal(("sleepy", "slow_consumer"), (leave.From, leave.Code));
        await AssertNothingOwedAsync(server);
    }

    [Theory]
    [InlineData("<")]
    [InlineData("漢")]
    [InlineData("😀")]
    public async Task PasteOfMarkupOrNonLatinTextCostsStructuredClientsWhatItCostsPlainOnes(string unit)
    {
        await using var server = await TestChatServer.StartAsync();
        var plain = await server.JoinAsync("plain");
        var structured = new List<TestChatClient>();
        for (var i = 0; i < 3; i++)
        {
            var client = await server.ConnectAsync($"json{i}");
            await client.JoinStructuredAsync($"json{i}");
            await plain.ExpectLineAsync($"json{i} joined the chat!");
            structured.Add(client);
        }

        var paster = await server.JoinAsync("paster");
        var text = string.Concat(Enumerable.Repeat(unit, LineBytes / Encoding.UTF8.GetByteCount(unit)));
        await paster.SendRawAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 12).Select(i => $"{i:D2}{text}\n"))));

        var plainBytes = 0L;
        await plain.ExpectLineAsync("paster joined the chat!");
        for (var i = 0; i < 12; i++)
        {
            var line = await plain.ReadLineAsync();
            Assert.Equal($"paster: {i:D2}{text}", line);
            plainBytes += Encoding.UTF8.GetByteCount(line) + 1;
        }

        foreach (var client in structured)
        {
            var jsonBytes = 0L;
            for (var i = 0; i < 12; i++)
            {
                var line = await client.ReadLineAsync();
                while (line.StartsWith("{\"kind\":\"join\"", StringComparison.Ordinal))
                {
                    line = await client.ReadLineAsync();
                }

                jsonBytes += Encoding.UTF8.GetByteCount(line) + 1;
                Assert.Contains($"\"text\":\"{i:D2}{text}\"", line, StringComparison.Ordinal);
            }

            Assert.True(jsonBytes <= plainBytes * 1.2, $"{client.Label} received {jsonBytes} bytes where a plain client received {plainBytes}");
        }
    }

    [Fact]
    public async Task WhoInARoomOfTenThousandLongNicknamesIsAnsweredInShortPartsInBothModes()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = server.Services.GetRequiredService<Room>();
        var welcome = new ChatEvent { Kind = ChatEventKind.System, Code = "welcome", Text = PlainText.Welcome };
        var nicknames = Enumerable.Range(0, 10_000).Select(LongNickname).ToList();
        foreach (var nickname in nicknames)
        {
            // Members that take every line at once: the join storm is not what this test measures.
            Assert.Equal(JoinResult.Joined, room.TryJoin(new SilentMember(), nickname, welcome));
        }

        var plain = await server.JoinAsync("plain");
        await plain.SendLineAsync("/who");
        var plainNames = new List<string>();
        var parts = 0;
        do
        {
            var line = await plain.ReadLineAsync();
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 4096, $"a /who line of {Encoding.UTF8.GetByteCount(line)} bytes");
            var header = $"Users here (10001), part {++parts} of ";
            Assert.StartsWith(header, line, StringComparison.Ordinal);
            plainNames.AddRange(line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split(", "));
        }
        while (plainNames.Count < 10_001);

        Assert.Equal([.. nicknames, "plain"], plainNames);

        var structured = await server.ConnectAsync("structured");
        await structured.JoinStructuredAsync("structured");
        await structured.SendLineAsync("/who");
        var structuredNames = new List<string>();
        ChatEvent part;
        do
        {
            part = await structured.ExpectEventAsync(ChatEventKind.System);
            Assert.Equal("who", part.Code);
            Assert.DoesNotContain(part.Users![0], part.Text!, StringComparison.Ordinal); // each name once, in users
            structuredNames.AddRange(part.Users);
        }
        while (part.Part < part.Parts);

        Assert.Equal([.. nicknames, "plain", "structured"], structuredNames);
    }

    /// <summary>
    /// Waits until no member is owed anything, as the delivery monitor sees it: the last flushes finish on the server
    /// just after the clients have read them.
    /// </summary>
    private static async Task AssertNothingOwedAsync(TestChatServer server)
    {
        var members = new List<MemberDelivery>();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            members.Clear();
            server.Services.GetRequiredService<Room>().CollectDelivery(members);
            var owed = members.Sum(member => member.State.QueuedBytes);
            if (owed == 0)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"the room still owes {owed} bytes");
            await Task.Delay(20);
        }
    }

    private static async Task<TestChatClient[]> JoinSendersAsync(TestChatServer server, TestChatClient witness)
    {
        var senders = new List<TestChatClient>();
        for (var s = 0; s < Senders; s++)
        {
            var sender = await server.JoinAsync($"s{s:D2}");
            await witness.ExpectLineAsync($"s{s:D2} joined the chat!");
            senders.Add(sender);
        }

        // Each sender has read every join after its own, so that what follows is the burst alone.
        for (var s = 0; s < Senders; s++)
        {
            for (var later = s + 1; later < Senders; later++)
            {
                await senders[s].ExpectLineAsync($"s{later:D2} joined the chat!");
            }
        }

        return [.. senders];
    }

    private static string Line(int sender, int line)
    {
        var head = $"s{sender:D2} line {line:D2} ";
        return head + new string((char)('a' + ((sender + line) % 26)), LineBytes - head.Length);
    }

    private static async Task<List<string>> ReadMessagesAsync(TestChatClient client, int count)
    {
        var lines = new List<string>(count);
        while (lines.Count < count)
        {
            lines.Add(await client.ReadLineAsync(TimeSpan.FromSeconds(30)));
        }

        return lines;
    }

    private static async Task<List<string>> ReadStructuredMessagesAsync(TestChatClient client, int count)
    {
        var lines = new List<string>(count);
        long lastId = 0;
        while (lines.Count < count)
        {
            var message = await client.ReadEventAsync();
            if (message.Kind == ChatEventKind.Join)
            {
                continue;
            }

            Assert.Equal(ChatEventKind.Message, message.Kind);
            Assert.True(message.Id > lastId, "ids increase along the room's order");
            lastId = message.Id!.Value;
            lines.Add(PlainText.Render(message));
        }

        return lines;
    }

    private static void AssertEachSendersLinesInOrder(List<string> order)
    {
        for (var s = 0; s < Senders; s++)
        {
            var prefix = $"s{s:D2}: s{s:D2} line ";
            Assert.Equal(
                Enumerable.Range(0, LinesPerSender).Select(l => $"s{s:D2}: {Line(s, l)}"),
                order.Where(line => line.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    /// <summary>Reads the talker's <paramref name="lines"/> in order; true if <paramref name="leave"/> came among them.</summary>
    private static async Task<bool> ExpectRoundAsync(TestChatClient client, string[] lines, string leave)
    {
        var left = false;
        foreach (var line in lines)
        {
            var received = await client.ReadLineAsync();
            if (received == leave)
            {
                left = true;
                received = await client.ReadLineAsync();
            }

            Assert.Equal("talker: " + line, received);
        }

        return left;
    }

    /// <summary>32 ideographs of CJK Extension B: four bytes each in UTF-8, and no two nicknames alike.</summary>
    private static string LongNickname(int n)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 32; i++)
        {
            builder.Append(char.ConvertFromUtf32(0x20000 + (i < 28 ? i : ((n >> ((i - 28) * 4)) & 0xF) + 64 + (i * 16))));
        }

        return builder.ToString();
    }

    /// <summary>A member that takes every event at once and keeps nothing.</summary>
    private sealed class SilentMember : IRoomMember
    {
        public string? Nickname { get; set; }

        public DeliveryState GetDeliveryState(long now) => default;

        public void Send(EncodedEvent chatEvent)
        {
        }

        public void Disconnect(SlowConsumerVerdict verdict) =>
            throw new InvalidOperationException("a silent member keeps up");
    }

    /// <summary>
    /// A plain client over a raw socket with a small receive window that reads in the background at
    /// <c>bytesPerSecond</c> (about 1 Mbit/s by default) on a fixed schedule, as a slow link would: behind schedule,
    /// it catches up; ahead, it waits.
    /// </summary>
    private sealed class ThrottledReader : IDisposable
    {
        private const int ChunkBytes = 4096;

        private readonly Socket _socket;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly CancellationTokenSource _stop = new();
        private volatile int _bytesPerSecond;

        private ThrottledReader(Socket socket, int bytesPerSecond)
        {
            _socket = socket;
            _bytesPerSecond = bytesPerSecond;
            _ = PumpAsync();
        }

        public static async Task<ThrottledReader> JoinAsync(int port, string nickname, int bytesPerSecond = ChunkBytes * 30)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8192 };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var reader = new ThrottledReader(socket, bytesPerSecond);
            await socket.SendAsync(Encoding.UTF8.GetBytes(nickname + "\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("NICK", await reader.ReadLineAsync(timeout.Token));
            Assert.Equal(PlainText.Welcome, await reader.ReadLineAsync(timeout.Token));
            Assert.Equal($"{nickname} joined the chat!", await reader.ReadLineAsync(timeout.Token));
            return reader;
        }

        /// <summary>The next <paramref name="count"/> message lines, skipping joins.</summary>
        public async Task<List<string>> ReadMessagesAsync(int count, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var lines = new List<string>(count);
            while (lines.Count < count)
            {
                var line = await ReadLineAsync(deadline.Token);
                if (!line.EndsWith(" joined the chat!", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }

            return lines;
        }

        /// <summary>Reads, at full speed from now on, until the server closes the connection; returns the last line.</summary>
        public async Task<string?> ReadToEndAsync(TimeSpan timeout)
        {
            _bytesPerSecond = int.MaxValue;
            using var deadline = new CancellationTokenSource(timeout);
            string? last = null;
            while (await _lines.Reader.WaitToReadAsync(deadline.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    last = line;
                }
            }

            return last;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
            await _lines.Reader.ReadAsync(cancellationToken);

        private async Task PumpAsync()
        {
            var buffer = new byte[ChunkBytes];
            var pending = new List<byte>();
            var clock = Stopwatch.StartNew();
            long taken = 0;
            try
            {
                while (true)
                {
                    // The schedule: by now, this many bytes may have been taken.
                    var rate = _bytesPerSecond;
                    var allowed = rate == int.MaxValue ? long.MaxValue : (long)(clock.Elapsed.TotalSeconds * rate);
                    if (taken >= allowed)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)(taken - allowed + ChunkBytes) / rate), _stop.Token);
                        continue;
                    }

                    var read = await _socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(ChunkBytes, allowed - taken)), _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    taken += read;
                    pending.AddRange(buffer.AsSpan(0, read));
                    var end = pending.LastIndexOf((byte)'\n');
                    if (end >= 0)
                    {
                        foreach (var line in Encoding.UTF8.GetString([.. pending[..end]]).Split('\n'))
                        {
                            _lines.Writer.TryWrite(line);
                        }

                        pending.RemoveRange(0, end + 1);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Reset or closed by the test: the lines so far are what it got.
            }
            finally
            {
                _lines.Writer.TryComplete();
            }
        }
    }
}
