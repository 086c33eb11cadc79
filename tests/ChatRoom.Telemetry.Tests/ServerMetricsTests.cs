using System.Diagnostics;
using System.Text;
using ChatRoom.Telemetry.Tests.Harness;
using ChatRoom.Tests.Harness;
using OpenTelemetry.Metrics;

namespace ChatRoom.Telemetry.Tests;

/// <summary>The server's instruments on the meter ChatRoom.Server, as OpenTelemetry exports them.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ServerMetricsTests
{
    private const string Connections = "chatroom.connection.count";
    private const string Users = "chatroom.user.count";
    private const string Received = "chatroom.messages.received";
    private const string Delivered = "chatroom.messages.delivered";
    private const string BroadcastDuration = "chatroom.broadcast.duration";
    private const string DeliveryDuration = "chatroom.delivery.duration";
    private const string Recipients = "chatroom.broadcast.recipients";
    private const string SendQueue = "chatroom.send_queue.size";
    private const string BuffersAllocated = "chatroom.buffer_pool.allocated";
    private const string BuffersRetained = "chatroom.buffer_pool.retained";
    private const string Disconnects = "chatroom.disconnects";
    private const string Refusals = "chatroom.nickname.refusals";
    private const string DisconnectReason = "chatroom.disconnect.reason";
    private const string RefusalReason = "chatroom.refusal.reason";

    private static readonly string Padding = new('x', 200);

    /// <summary>
    /// Every instrument of docs/observability.md, read from its table: name, unit (UCUM), and the kind OpenTelemetry
    /// exports its kind of instrument as.
    /// </summary>
    private static IEnumerable<(string Name, string Unit, MetricType Kind)> DocumentedInstruments() =>
        MarkdownPage.Load("docs/observability.md").Table("Server metrics", "instrument").Select(row => (row[0], row[2], row[1] switch
        {
            "Counter" => MetricType.LongSum,
            "UpDownCounter" or "ObservableUpDownCounter" => MetricType.LongSumNonMonotonic,
            "Histogram" => MetricType.Histogram,
            var kind => throw new Xunit.Sdk.XunitException($"docs/observability.md: {row[0]} has an unknown kind, {kind}"),
        }));

    [Fact]
    public async Task ServerExportsExactlyTheDocumentedInstrumentsWithTheirUnitsAndKinds()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var leaver = await server.ConnectToNickPromptAsync("leaver");
        await leaver.SendLineAsync("bad nick");
        await leaver.ExpectLineAsync("ERR nickname may not contain spaces");
        await leaver.SendLineAsync("/quit");
        await leaver.ExpectLineAsync("NICK");
        await leaver.ExpectClosedAsync();
        await room[0].SendLineAsync("hello");
        await room[0].ExpectLineAsync("alice: hello");
        await room[1].ExpectLineAsync("alice: hello");

        var metrics = await capture.WaitForMetricsAsync(
            m => m.Sum(Disconnects) == 1 && m.Count(DeliveryDuration) > 0 && m.Sum(Delivered) >= 4,
            "the quit, the message's broadcast and its flushes are recorded");

        var documented = DocumentedInstruments().ToList();
        foreach (var (name, unit, kind) in documented)
        {
            var metric = metrics[name];
            Assert.True(
                (metric.MeterName, metric.Unit, metric.MetricType) == ("ChatRoom.Server", unit, kind),
                $"{name}: expected meter ChatRoom.Server, unit {unit}, kind {kind}; got {metric.MeterName}, {metric.Unit}, {metric.MetricType}");
            Assert.False(string.IsNullOrWhiteSpace(metric.Description), $"{name} has no description");
        }

        // Nothing undocumented is exported: a new instrument needs its row in docs/observability.md.
        Assert.Equal(
            documented.Select(instrument => instrument.Name).Order(StringComparer.Ordinal),
            metrics.Names.Order(StringComparer.Ordinal));
        Assert.Equal(2, metrics.Sum(Connections));
        Assert.Equal(2, metrics.Sum(Users));
        Assert.Equal(1, metrics.Sum(Received));
        Assert.Equal(1, metrics.Sum(Disconnects, DisconnectReason, "quit"));
        Assert.Equal(1, metrics.Sum(Refusals, RefusalReason, "nick_invalid"));
        Assert.Equal(0, metrics.Sum(SendQueue));
        // The lines went through the connections' buffer pools, which keep the free blocks for the next ones.
        Assert.True(metrics.Sum(BuffersAllocated) >= metrics.Sum(BuffersRetained) && metrics.Sum(BuffersRetained) > 0,
            $"buffer pools: {metrics.Sum(BuffersAllocated)} bytes allocated, {metrics.Sum(BuffersRetained)} retained");
    }

    [Fact]
    public async Task LatencyHistogramsHaveAdvisedBucketsFineEnoughForTensOfMicroseconds()
    {
        const int messages = 3;
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        for (var i = 0; i < messages; i++)
        {
            await room[1].SendLineAsync($"message {i}");
            foreach (var member in room)
            {
                await member.ExpectLineAsync($"bob: message {i}");
            }
        }

        var metrics = await capture.WaitForMetricsAsync(
            m => m.Count(BroadcastDuration) == messages && m.Count(DeliveryDuration) >= messages,
            $"{messages} broadcasts timed, and at least one flush to each recipient");

        foreach (var name in (string[])[BroadcastDuration, DeliveryDuration])
        {
            var bounds = metrics.BucketBounds(name);
            // Not the SDK's default [0, 5, 10, 25, …] s, where every chat latency would land in one bucket.
            Assert.Equal(1e-5, bounds[0]);
            Assert.Contains(2.5e-5, bounds);
            Assert.Contains(5e-5, bounds);
            Assert.Contains(1e-4, bounds);
            Assert.Contains(1.0, bounds);
            Assert.Equal(double.PositiveInfinity, bounds[^1]);
            Assert.True(bounds.SequenceEqual(bounds.Order()), $"{name}: bounds out of order: {string.Join(", ", bounds)}");

            var point = Assert.Single(metrics[name].MetricPoints);
            Assert.True(point.TryGetHistogramMinMaxValues(out var min, out var max), $"{name} has no min/max");
            Assert.True(min > 0 && max < 5, $"{name}: implausible latencies {min}..{max} s");
        }

        // Every recipient's flush of a message is timed; joins (no line read from a client) are not.
        Assert.InRange(metrics.Count(DeliveryDuration), messages, messages * room.Length);
        Assert.Equal(1.0, metrics.BucketBounds(Recipients)[0]);
    }

    [Fact]
    public async Task BroadcastDurationOfALineHeldByFloodControlCountsFromItsRelease()
    {
        using var capture = new TelemetryCapture();
        // One line at once, then one every 2 s: the second line of one write is held 2 s before the room hears it.
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1", "Flood:LinesPerSecond=0.5");
        var room = await server.JoinRoomAsync("reader", "talker");
        var (reader, talker) = (room[0], room[1]);
        var sent = Stopwatch.StartNew();

        await talker.SendRawAsync("first\nheld\n"u8.ToArray());

        await reader.ExpectLineAsync("talker: first");
        await reader.ExpectLineAsync("talker: held", TimeSpan.FromSeconds(10));
        Assert.True(sent.Elapsed >= TimeSpan.FromSeconds(1.9), $"the held line arrived {sent.Elapsed.TotalSeconds:0.00} s after it was sent");
        var metrics = await capture.WaitForMetricsAsync(m => m.Count(BroadcastDuration) == 2, "both lines' broadcasts timed");
        var point = Assert.Single(metrics[BroadcastDuration].MetricPoints);
        Assert.True(point.TryGetHistogramMinMaxValues(out _, out var max), "no min/max");
        // docs/observability.md: the hold is the sender's, so the broadcast's time starts when the line is let through.
        Assert.True(max < 1, $"a broadcast took {max:0.000} s: the 2 s hold was counted");
    }

    [Fact]
    public async Task ConnectionAndUserCountsFollowTheRoomAndReturnToZeroWhenEveryoneLeaves()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var handshaking = await server.ConnectToNickPromptAsync("handshaking");

        await capture.WaitForMetricsAsync(
            m => m.Sum(Connections) == 3 && m.Sum(Users) == 2,
            "3 connections (one still handshaking) and 2 users");

        handshaking.Dispose();
        await room[1].SendLineAsync("/quit");
        await room[1].ExpectClosedAsync();
        await room[0].ExpectLineAsync("bob left the chat!");
        await capture.WaitForMetricsAsync(m => m.Sum(Connections) == 1 && m.Sum(Users) == 1, "1 connection and 1 user");

        room[0].Reset();
        var metrics = await capture.WaitForMetricsAsync(
            m => m.Sum(Connections) == 0 && m.Sum(Users) == 0 && m.Sum(Disconnects) == 3,
            "no connection and no user once everyone has left, after three disconnects");
        Assert.Equal(1, metrics.Sum(Disconnects, DisconnectReason, "quit"));
        Assert.Equal(2, metrics.Sum(Disconnects, DisconnectReason, "dropped"));
    }

    [Fact]
    public async Task DeliveriesAreRecipientsTimesBroadcasts()
    {
        const int broadcasts = 5;
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob", "carol");
        var before = await capture.WaitForMetricsAsync(m => m.Count(Recipients) == 3, "the three joins broadcast");

        for (var i = 0; i < broadcasts; i++)
        {
            await room[i % room.Length].SendLineAsync(i % 2 == 0 ? $"line {i}" : $"/me acts {i}");
        }

        foreach (var member in room)
        {
            await member.ReadLinesAsync(broadcasts);
        }

        var after = await capture.WaitForMetricsAsync(
            m => m.Count(Recipients) - before.Count(Recipients) == broadcasts,
            $"{broadcasts} more broadcasts");
        Assert.Equal(broadcasts, after.Sum(Received) - before.Sum(Received));
        Assert.Equal(broadcasts * room.Length, after.Sum(Delivered) - before.Sum(Delivered));
        Assert.Equal(broadcasts * room.Length, after.HistogramSum(Recipients) - before.HistogramSum(Recipients));
        Assert.Equal(broadcasts, after.Count(BroadcastDuration) - before.Count(BroadcastDuration));

        // Over the whole run, joins included: one delivery per recipient of every broadcast.
        Assert.Equal(after.HistogramSum(Recipients), after.Sum(Delivered));
    }

    [Fact]
    public async Task DisconnectsAreCountedByReason()
    {
        using var capture = new TelemetryCapture();
        // Flood control is lifted: the talker must outpace the client that never reads, not be throttled itself.
        await using var server = await TestChatServer.StartAsync(
            "MaxClients=3", "HandshakeTimeout=00:00:01", "MaxSendQueueBytes=16384", "Flood:Burst=1000000");
        var room = await server.JoinRoomAsync("alice", "bob");
        var (alice, bob) = (room[0], room[1]);
        using var sleepy = await server.JoinWithoutReadingAsync("sleepy", receiveBufferSize: 4096);
        await room.AllExpectLinesAsync("sleepy joined the chat!");

        var refused = await server.ConnectAsync("refused");
        await refused.ExpectLineAsync("ERR server is full");
        await refused.ExpectClosedAsync();

        await FloodUntilLeftAsync(talker: bob, reader: alice, leaver: "sleepy");

        await bob.SendLineAsync("/quit");
        await bob.ExpectClosedAsync();
        await alice.ExpectLineAsync("bob left the chat!");

        var silent = await server.ConnectToNickPromptAsync("silent");
        await silent.ExpectLineAsync("ERR handshake timed out");
        await silent.ExpectClosedAsync();

        alice.Reset();

        var metrics = await capture.WaitForMetricsAsync(m => m.Sum(Disconnects) == 5 && m.Sum(Connections) == 0, "5 disconnects, no connection left");
        foreach (var reason in (string[])["quit", "dropped", "slow_consumer", "server_full", "handshake_timeout"])
        {
            Assert.True(metrics.Sum(Disconnects, DisconnectReason, reason) == 1, $"expected one disconnect with reason {reason}:\n{metrics}");
        }

        Assert.Equal(0, metrics.Sum(Users));
    }

    [Fact]
    public async Task ProtectionDisconnectsAreCountedByReason()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync(
            "LimitLoopback=true", "MaxConnectionsPerAddress=2", "Flood:Burst=2", "Flood:LinesPerSecond=1", "Flood:MaxDelayedLines=1");
        var room = await server.JoinRoomAsync("alice", "bob");
        var (alice, bob) = (room[0], room[1]);

        var third = await server.ConnectAsync("third");
        await third.ExpectLineAsync("ERR too many connections from your address");
        await third.ExpectClosedAsync();

        // Two lines pass; the third waits 1 s (and alice is told so); the next line that must wait gets her disconnected.
        // That is the fourth, unless the server's timer fired a second late: then the fourth found its token and
        // passed, and a later one is the second delayed line in a row (a line that passes does not end the flood).
        await alice.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n"))));
        await bob.ExpectLinesAsync("alice: 1", "alice: 2", "alice: 3");
        var passedLate = await bob.ReadUntilAsync("alice left the chat!");
        await alice.ExpectLinesAsync("alice: 1", "alice: 2", "ERR flooding: slow down to 1 lines per second; your lines are being delayed", "alice: 3");
        var echoes = await alice.ReadUntilAsync("ERR disconnected for flooding");
        Assert.Equal(passedLate, echoes.Where(line => !line.StartsWith("ERR flooding: ", StringComparison.Ordinal)));
        Assert.All(passedLate, line => Assert.StartsWith("alice: ", line, StringComparison.Ordinal));
        await alice.ExpectClosedAsync();

        var metrics = await capture.WaitForMetricsAsync(m => m.Sum(Disconnects) == 2 && m.Sum(Connections) == 1, "2 disconnects, bob still connected");
        Assert.Equal(1, metrics.Sum(Disconnects, DisconnectReason, "address_limit"));
        Assert.Equal(1, metrics.Sum(Disconnects, DisconnectReason, "flood"));
        Assert.Equal(1, metrics.Sum(Users));
    }

    [Fact]
    public async Task RefusedNicknamesAreCountedByReason()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");
        var newcomer = await server.ConnectToNickPromptAsync("newcomer");

        await newcomer.SendLineAsync("no spaces");
        await newcomer.ExpectLinesAsync("ERR nickname may not contain spaces", "NICK");
        await newcomer.SendLineAsync("a:b");
        await newcomer.ExpectLinesAsync("ERR nickname may not contain ':'", "NICK");
        await newcomer.SendLineAsync("ALICE");
        await newcomer.ExpectLinesAsync("ERR nickname 'ALICE' is already in use", "NICK");
        await room[1].SendLineAsync("/nick alice");
        await room[1].ExpectLineAsync("ERR nickname 'alice' is already in use");

        var metrics = await capture.WaitForMetricsAsync(m => m.Sum(Refusals) == 4, "4 refused nicknames");
        Assert.Equal(2, metrics.Sum(Refusals, RefusalReason, "nick_invalid"));
        Assert.Equal(2, metrics.Sum(Refusals, RefusalReason, "nick_in_use"));
        Assert.Equal(["nick_in_use", "nick_invalid"], metrics.TagValues(Refusals, RefusalReason).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// <paramref name="talker"/> says lines in small batches that <paramref name="reader"/> (which reads all the
    /// time) takes at once, until the client that never reads is disconnected as a slow consumer.
    /// </summary>
    private static async Task FloodUntilLeftAsync(TestChatClient talker, TestChatClient reader, string leaver)
    {
        const int batch = 20;
        const int maxBatches = 1000;
        var left = $"{leaver} left the chat!";
        for (var round = 0; round < maxBatches; round++)
        {
            var lines = Enumerable.Range(0, batch).Select(i => $"{round}.{i} {Padding}").ToArray();
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            var sawLeave = false;
            foreach (var member in (TestChatClient[])[reader, talker])
            {
                for (var i = 0; i < batch; i++)
                {
                    if (await member.ReadLineAsync() == left)
                    {
                        sawLeave = true;
                        i--;
                    }
                }
            }

            if (sawLeave)
            {
                return;
            }
        }

        Assert.Fail($"{leaver}, who never reads, was still in the room after {maxBatches * batch} messages");
    }
}
