using System.Diagnostics;
using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Connections;
using ChatRoom.Server.Memory;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The abuse campaign's cases that bad-input, handshake and leave tests do not already cover: garbage on the wire,
/// rename races, slowloris, a peer that accepts nothing, a storm of resets, and shutdown with messages in flight.
/// Each asserts that the offender was refused or disconnected with a reason, the server stayed up, and everyone
/// else received every message in the one order.
/// </summary>
public sealed class AbuseTests
{
    // From the shutdown notice to the end of the connection: a session closes by itself once its notice is written.
    private static readonly TimeSpan ClosedAfterTheNotice = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task RandomBytesGetTheirSenderRefusedThenDisconnectedAndReachNobodyElse()
    {
        // Flood control off: this case is about what the parser lets through, not about rate.
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1000000", "Flood:LinesPerSecond=1000000");
        var room = await server.JoinRoomAsync("alice", "noise");
        var (alice, noise) = (room[0], room[1]);
        var random = new Random(20261202);
        var garbage = new byte[64 * 1024];
        random.NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i += random.Next(16, 512))
        {
            garbage[i] = (byte)'\n'; // lines of every length, most of them invalid UTF-8 or full of control bytes
        }

        await noise.SendRawAsync(garbage);

        var refusals = await noise.ReadUntilAsync("ERR disconnected: 20 invalid lines in a row");
        Assert.All(refusals, line => Assert.True(line.StartsWith("ERR ", StringComparison.Ordinal) || line.StartsWith("noise: ", StringComparison.Ordinal), line));
        await noise.ExpectClosedAsync();
        // What alice saw of it: at most a few lines that happened to be valid text, with the server's prefix.
        foreach (var line in await alice.ReadUntilAsync("noise left the chat!"))
        {
            Assert.True(line.StartsWith("noise: ", StringComparison.Ordinal), $"alice got a line not written by the server for noise: {TestChatClient.Quote(line)}");
            Assert.Equal(TextProblem.None, LineText.Check(line));
        }

        await alice.SendLineAsync("after the noise");
        await alice.ExpectLineAsync("alice: after the noise");
    }

    [Fact]
    public async Task RefusedLinesOnlyEndTheConnectionWhenTwentyComeInARow()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1000000", "Flood:LinesPerSecond=1000000");
        var room = await server.JoinRoomAsync("alice", "clumsy");
        var (alice, clumsy) = (room[0], room[1]);
        var nineteenBad = string.Concat(Enumerable.Repeat("bad\u001b[31m\n", 19));

        // 19 refused, one accepted, 19 refused: the count starts again, so clumsy stays.
        await clumsy.SendRawAsync(Encoding.UTF8.GetBytes(nineteenBad + "fine\n" + nineteenBad + "/who\n"));

        await alice.ExpectLineAsync("clumsy: fine");
        var lines = await clumsy.ReadUntilAsync("Users here (2): alice, clumsy");
        Assert.Equal(38, lines.Count(line => line == "ERR line contains control characters"));

        await clumsy.SendRawAsync(Encoding.UTF8.GetBytes(nineteenBad + "bad\u001b[31m\n"));

        await clumsy.ReadUntilAsync("ERR disconnected: 20 invalid lines in a row");
        await clumsy.ExpectClosedAsync();
        await alice.ExpectLineAsync("clumsy left the chat!");
    }

    [Fact]
    public async Task RenameRacesHaveExactlyOneWinnerAndTheLoserIsToldWhy()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("watcher", "alice", "bob");
        var (watcher, alice, bob) = (room[0], room[1], room[2]);

        for (var round = 0; round < 10; round++)
        {
            var wanted = $"winner{round}";
            // The same name in two cases: nicknames are unique ignoring case, so only one may have it.
            await Task.WhenAll(alice.SendLineAsync($"/nick {wanted}"), bob.SendLineAsync($"/nick {wanted.ToUpperInvariant()}"));

            var announced = await watcher.ReadLineAsync();
            var (winner, loser) = announced.StartsWith("alice ", StringComparison.Ordinal) ? (alice, bob) : (bob, alice);
            var newName = announced[(announced.LastIndexOf(' ') + 1)..];
            Assert.Equal($"{winner.Label} is now known as {newName}", announced);
            Assert.Equal(wanted, newName, ignoreCase: true);
            await winner.ExpectLineAsync(announced);
            // The winner's rename was queued to the loser before the loser's attempt was refused.
            await loser.ExpectLineAsync(announced);
            var refusal = await loser.ReadLineAsync();
            Assert.Matches($"^ERR nickname '{wanted}' is already in use$|^ERR nickname '{wanted.ToUpperInvariant()}' is already in use$", refusal);

            // Back to the old name, so every round races from the same start.
            await winner.SendLineAsync($"/nick {winner.Label}");
            await room.AllExpectLinesAsync($"{newName} is now known as {winner.Label}");
        }

        await watcher.SendLineAsync("/who");
        await watcher.ExpectLineAsync("Users here (3): watcher, alice, bob");
    }

    [Fact]
    public async Task SlowlorisHandshakeIsClosedAtTheHandshakeTimeoutWhileOthersAreServed()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:00:01");
        // Started before the connection, so before the server's deadline: what it measures is never less than the deadline.
        var stopwatch = Stopwatch.StartNew();
        var slow = await server.ConnectToNickPromptAsync("slowloris");
        using var dribble = new CancellationTokenSource();
        var dribbling = Task.Run(async () =>
        {
            // One byte of a nickname every 150 ms, never a whole line.
            while (!dribble.IsCancellationRequested)
            {
                await slow.SendRawAsync("a"u8.ToArray());
                await Task.Delay(150, CancellationToken.None);
            }
        });

        var alice = await server.JoinAsync("alice"); // served meanwhile

        // The dribble never ends, so a deadline that each byte pushed back would never come: the wait's bound fails that.
        await slow.ExpectLineAsync("ERR handshake timed out", TimeSpan.FromSeconds(5));
        await slow.ExpectClosedAsync();
        await dribble.CancelAsync();
        await dribbling.ContinueWith(_ => { }, TaskScheduler.Default); // its last writes may hit the closed socket
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {stopwatch.Elapsed.TotalSeconds:0.00} s, before the 1 s deadline");
        await alice.SendLineAsync("hello");
        await alice.ExpectLineAsync("alice: hello");
    }

    [Fact]
    public async Task PeerWhoseSocketAcceptsNothingIsDisconnectedAtTheWriteTimeout()
    {
        // A send queue far too large to fill: only the write timeout can catch this peer.
        await using var server = await TestChatServer.StartAsync(
            "WriteTimeout=00:00:01", "MaxSendQueueBytes=67108864", "Flood:Burst=1000000", "Flood:LinesPerSecond=1000000");
        var observer = await server.ConnectAsync("observer");
        await observer.JoinStructuredAsync("observer");
        var talker = await server.JoinAsync("talker");
        using var stuck = await server.JoinWithoutReadingAsync("stuck", receiveBufferSize: 4096);
        await talker.ExpectLineAsync("stuck joined the chat!");
        var padding = new string('x', 2000);

        ChatEvent? left = null;
        var stopwatch = Stopwatch.StartNew();
        for (var round = 0; left is null && stopwatch.Elapsed < TimeSpan.FromSeconds(20); round++)
        {
            // ~200 KB a round: the kernel's buffers towards "stuck" fill within a few rounds, then its flush hangs.
            var lines = Enumerable.Range(0, 100).Select(i => $"{round}.{i} {padding}").ToArray();
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            // Both readers keep up, or the write timeout would catch them too.
            for (var received = 0; received < lines.Length;)
            {
                var chatEvent = await observer.ReadEventAsync();
                received += chatEvent.Kind == ChatEventKind.Message ? 1 : 0;
                left ??= chatEvent.Kind == ChatEventKind.Leave ? chatEvent : null;
            }

            var echoes = await talker.ReadUntilAsync("talker: " + lines[^1]);
            Assert.All(echoes, line => Assert.True(line.StartsWith("talker: ", StringComparison.Ordinal) || line == "stuck left the chat!", line));
        }

        Assert.NotNull(left);
        Assert.Equal(("stuck", "write_timeout"), (left.From, left.Code));
        await talker.SendLineAsync("/who");
        await talker.ExpectLineAsync("Users here (2): observer, talker");
    }

    [Fact]
    public async Task StormOfConnectionsResetAtOnceLeavesTheRoomAsItWas()
    {
        const int joined = 150, handshaking = 150, reclaimAfter = 250;
        // Below the storm's size, so the server collects once the storm has gone.
        await using var server = await TestChatServer.StartAsync($"ReclaimMemoryAfterChange={reclaimAfter}");
        var observer = await server.JoinAsync("observer");
        var storm = await Task.WhenAll(Enumerable.Range(0, joined + handshaking).Select(async i =>
        {
            var client = await server.ConnectToNickPromptAsync($"storm{i}");
            if (i < joined)
            {
                await client.SendLineAsync($"storm{i}");
                await client.ExpectLineAsync("Connected to the server!");
            }

            return client;
        }));
        var joins = await observer.ReadLinesAsync(joined);
        Assert.Equal(Enumerable.Range(0, joined).Select(i => $"storm{i} joined the chat!").Order(), joins.Order());

        foreach (var client in storm)
        {
            client.Reset();
        }

        var leaves = await observer.ReadLinesAsync(joined);
        Assert.Equal(Enumerable.Range(0, joined).Select(i => $"storm{i} left the chat!").Order(), leaves.Order());
        await observer.SendLineAsync("/who");
        await observer.ExpectLineAsync("Users here (1): observer");
        // The handshaking ones are counted too, and the count goes back down: this drop is what frees the storm's memory.
        var admission = server.Services.GetRequiredService<ConnectionAdmission>();
        for (var waited = Stopwatch.StartNew(); admission.Open != 1 && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, admission.Open);
        // Its memory goes back: the server collects once reclaimAfter of the most there were have gone and the count has
        // settled (it looks every second). It may also have collected while the storm came, or halfway through its
        // going; what counts is a collection that saw the whole storm and at most what it leaves open.
        const int peak = 1 + joined + handshaking;
        var reclaimer = server.Services.GetRequiredService<MemoryReclaimer>();
        bool CollectedAfterTheStorm() => reclaimer.OpenAtLastCollection <= peak - reclaimAfter && reclaimer.HighestAtLastCollection == peak;
        for (var waited = Stopwatch.StartNew(); !CollectedAfterTheStorm() && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
        }

        Assert.True(CollectedAfterTheStorm(), $"no collection after the storm had gone (the last: {reclaimer.OpenAtLastCollection} open, at most {reclaimer.HighestAtLastCollection})");
        var newcomer = await server.JoinAsync("storm0"); // the nicknames are free again
        await observer.ExpectLineAsync("storm0 joined the chat!");
        await newcomer.SendLineAsync("calm again");
        await observer.ExpectLineAsync("storm0: calm again");
    }

    [Fact]
    public async Task ShutdownDeliversEveryAcceptedMessageToEveryoneInTheOneOrder()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1000000", "Flood:LinesPerSecond=1000000");
        var room = await server.JoinRoomAsync("ann", "ben", "cat", "dan");
        using var sending = new CancellationTokenSource();
        var senders = room[..2].Select(sender => Task.Run(async () =>
        {
            // Ten lines every few milliseconds: steady traffic that leaves the in-process server its share of the CPU.
            for (var i = 0; !sending.IsCancellationRequested; i += 10)
            {
                await sender.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(i, 10).Select(n => $"m{n}\n"))));
                await Task.Delay(5, CancellationToken.None);
            }
        })).ToArray();
        var transcripts = room.Select(_ => new List<string>()).ToArray();
        var reading = room.Select((client, i) => ReadUntilClosedAsync(client, transcripts[i])).ToArray();

        // Stop once lines flow, not after a fixed delay: early in a parallel test run the thread pool may not have
        // started the senders within half a second (everyone then saw only the shutdown notice).
        var listener = transcripts[^1];
        for (var waited = Stopwatch.StartNew(); CountOf(listener) < 20 && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(20);
        }

        await server.StopAsync();
        await sending.CancelAsync();
        await Task.WhenAll(senders.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default))); // writes to a closed socket fail
        var seen = await Task.WhenAll(reading);

        foreach (var transcript in seen)
        {
            Assert.Equal("Server is shutting down.", transcript[^1]);
            Assert.Equal(seen[0], transcript); // the same accepted messages, in the same order, for everyone
        }

        Assert.True(seen[0].Length > 10, $"too few messages were in flight to prove anything: {string.Join(" | ", seen.Select(t => string.Join(", ", t)))}");
    }

    /// <summary>
    /// Reads into <paramref name="lines"/> (locked while adding) up to the shutdown notice, which must be followed by the
    /// end of the connection, at once: well before the host's shutdown timeout (5 s), when Kestrel aborts whatever is left.
    /// </summary>
    private static async Task<string[]> ReadUntilClosedAsync(TestChatClient client, List<string> lines)
    {
        string line;
        do
        {
            line = await client.ReadLineAsync(TimeSpan.FromSeconds(10));
            lock (lines)
            {
                lines.Add(line);
            }
        }
        while (line != "Server is shutting down.");

        await client.ExpectClosedAsync(ClosedAfterTheNotice);
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static int CountOf(List<string> lines)
    {
        lock (lines)
        {
            return lines.Count;
        }
    }
}
