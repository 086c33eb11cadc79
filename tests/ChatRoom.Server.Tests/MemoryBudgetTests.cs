using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Tests.Harness;
using Xunit.Abstractions;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The server-wide budget for what clients are owed (<c>Chat:MaxQueuedBytes</c>), on the server's own process: a
/// thousand clients that never read, in a busy room, are disconnected once the room owes them more than the budget,
/// the room goes on, and the memory they held is given back. The peak is printed: the resident-memory figures of
/// docs/security.md come from this test.
/// </summary>
public sealed class MemoryBudgetTests(ITestOutputHelper output)
{
    private const int NonReaders = 1000;
    private const long Budget = 32L * 1024 * 1024;

    // What may stay above the baseline once they are gone: the buffer pool keeps 1 MiB, code compiled meanwhile stays.
    private const long Slack = 16L * 1024 * 1024;
    private const string BusyNotice = "ERR the server is busy delivering to the room; your lines are being delayed";

    [Fact]
    public async Task ThousandClientsThatNeverReadAreDisconnectedAndTheMemoryTheyHeldIsGivenBack()
    {
        // The budget disconnects most of them, furthest behind first, until what the rest are owed fits in it; the lag
        // limit then disconnects the rest.
        using var server = await ServerProcess.StartAsync(
            $"MaxQueuedBytes={Budget}", "MaxSendLag=00:00:10", "WriteTimeout=00:01:00", "Flood:Enabled=false");
        using var talker = await TestChatClient.ConnectAsync(server.ChatPort, "talker");
        await talker.JoinAsync("talker");

        var sleepers = new List<Socket>();
        try
        {
            for (var i = 0; i < NonReaders; i++)
            {
                sleepers.Add(await JoinWithoutReadingAsync(server.ChatPort, $"sleeper{i:D4}"));
            }

            // The talker has read every join: the room is settled, every line so far taken by the kernel's buffers.
            for (var i = 0; i < NonReaders; i++)
            {
                Assert.EndsWith(" joined the chat!", await talker.ReadLineAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
            }

            // A warm-up, so that what follows measures what the room owes, not code being compiled.
            await TalkAsync(talker, 0, 50);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var baseline = server.ResidentBytes();

            // 100 lines a second of 1 KB each, until every sleeper is gone (bounded).
            var peak = baseline;
            var left = 0;
            var sent = 50;
            var started = DateTime.UtcNow;
            while (left < NonReaders)
            {
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(45), $"{NonReaders - left} sleepers were still in the room after 45 s");
                left += await TalkAsync(talker, sent, 10);
                sent += 10;
                peak = Math.Max(peak, server.ResidentBytes());
                await Task.Delay(100);
            }

            var gone = DateTime.UtcNow - started;

            // Once they are gone, the server collects (MemoryReclaimer) and its buffers are trimmed within seconds.
            var after = server.ResidentBytes();
            for (var wait = 0; wait < 100 && after > baseline + Slack; wait++)
            {
                await Task.Delay(100);
                after = server.ResidentBytes();
            }

            output.WriteLine($"resident memory: {Mib(baseline)} MiB with {NonReaders} idle non-readers; at most {Mib(peak)} MiB while they " +
                $"fell behind (budget {Mib(Budget)} MiB, {sent} lines); all disconnected after {gone.TotalSeconds:F1} s; {Mib(after)} MiB after");
            Assert.True(after <= baseline + Slack, $"resident memory stayed at {Mib(after)} MiB, {Mib(after - baseline)} MiB above where it was");
        }
        finally
        {
            foreach (var sleeper in sleepers)
            {
                sleeper.Dispose();
            }
        }
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends <paramref name="count"/> lines and reads them back; returns how many sleepers left meanwhile.</summary>
    private static async Task<int> TalkAsync(TestChatClient talker, int first, int count)
    {
        var lines = Enumerable.Range(first, count).Select(i => $"{i:D6} {new string('.', 1000)}").ToArray();
        await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
        var left = 0;
        foreach (var line in lines)
        {
            var received = await talker.ReadLineAsync(TimeSpan.FromSeconds(10));
            // While members that are not yet behind are owed more than the budget, the talker is slowed, and told so.
            while (received.EndsWith(" left the chat!", StringComparison.Ordinal) || received == BusyNotice)
            {
                left += received == BusyNotice ? 0 : 1;
                received = await talker.ReadLineAsync(TimeSpan.FromSeconds(10));
            }

            Assert.Equal("talker: " + line, received);
        }

        return left;
    }

    private static async Task<Socket> JoinWithoutReadingAsync(int port, string nickname)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(Encoding.ASCII.GetBytes(nickname + "\n"));
        return socket;
    }
}
