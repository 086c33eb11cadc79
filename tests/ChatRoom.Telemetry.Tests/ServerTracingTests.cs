using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Telemetry.Tests.Harness;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Telemetry.Tests;

/// <summary>The server's spans on the ActivitySource ChatRoom.Server, shaped by the OpenTelemetry messaging conventions.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ServerTracingTests
{
    private const string ServerSource = "ChatRoom.Server";
    private const string BroadcastSpan = "process lobby";

    [Fact]
    public async Task BroadcastSpanIsAConsumerChildOfTheSendersTraceContext()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        var bob = await server.JoinAsync("bob");
        await carol.ExpectEventAsync(ChatEventKind.Join);
        var (traceId, senderSpanId) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var traceparent = $"00-{traceId}-{senderSpanId}-01";
        const string text = "grüße aus köln ✓";

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = text, Traceparent = traceparent, Tracestate = "chatroom=test" });

        var echo = await carol.ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal(traceparent, echo.Traceparent);
        await bob.ExpectLineAsync($"carol: {text}");
        var span = Assert.Single(await capture.WaitForActivitiesAsync(a => a.TraceId == traceId, 1, $"a span in trace {traceId}"));
        Assert.Equal(ServerSource, span.Source.Name);
        Assert.Equal(BroadcastSpan, span.DisplayName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal(senderSpanId, span.ParentSpanId);
        Assert.True(span.HasRemoteParent, "the parent is the sender's span, in another process");
        Assert.Equal("chatroom=test", span.TraceStateString);
        Assert.True(span.Recorded, "the sender sampled its span (flags 01), so the server's is sampled too");
        Assert.Equal("chatroom", span.GetTagItem("messaging.system"));
        Assert.Equal("process", span.GetTagItem("messaging.operation.name"));
        Assert.Equal("process", span.GetTagItem("messaging.operation.type"));
        Assert.Equal("lobby", span.GetTagItem("messaging.destination.name"));
        Assert.Equal(echo.Id!.Value.ToString(CultureInfo.InvariantCulture), span.GetTagItem("messaging.message.id"));
        Assert.Equal(2, span.GetTagItem("chatroom.broadcast.recipients"));
        // The size of the message text in bytes (UTF-8), not in characters.
        Assert.Equal(Encoding.UTF8.GetByteCount(text), span.GetTagItem("messaging.message.body.size"));
        Assert.NotEqual(text.Length, Encoding.UTF8.GetByteCount(text));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // The broadcast's latency is recorded inside its span: with trace-based exemplars, the histogram
        // points at this very trace (the dashboard links from a latency spike to the message's journey).
        var metrics = capture.CollectMetrics();
        Assert.Contains(traceId, metrics.ExemplarTraceIds("chatroom.broadcast.duration"));
    }

    [Fact]
    public async Task SenderThatDidNotSampleItsSpanGetsNoRecordedServerSpan()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        var (unsampled, sampled) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom());

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "not sampled", Traceparent = $"00-{unsampled}-{ActivitySpanId.CreateRandom()}-00" });
        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "sampled", Traceparent = $"00-{sampled}-{ActivitySpanId.CreateRandom()}-01" });
        await carol.ExpectEventAsync(ChatEventKind.Message);
        await carol.ExpectEventAsync(ChatEventKind.Message);

        // Parent-based sampling (the SDK default): the sender's decision holds for the whole trace.
        await capture.WaitForActivitiesAsync(a => a.TraceId == sampled, 1, "the sampled message's span");
        Assert.DoesNotContain(capture.Activities, a => a.TraceId == unsampled);
    }

    [Fact]
    public async Task MessageWithoutTraceContextStartsItsOwnTraceAndActionsAreBroadcastSpansToo()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        // One after the other: lines from two clients at once may reach the room in either order.
        await room[0].SendLineAsync("plain hello");
        await room.AllExpectLinesAsync("alice: plain hello");
        await room[1].SendLineAsync("/me waves");
        await room.AllExpectLinesAsync("* bob waves");

        var spans = await capture.WaitForActivitiesAsync(a => a.DisplayName == BroadcastSpan, 2, "two broadcast spans");
        Assert.Equal(2, spans.Length);
        foreach (var span in spans)
        {
            Assert.Equal(default, span.ParentSpanId);
            Assert.False(span.HasRemoteParent);
            Assert.Equal(2, span.GetTagItem("chatroom.broadcast.recipients"));
        }

        Assert.NotEqual(spans[0].TraceId, spans[1].TraceId);
        Assert.Equal(
            ["plain hello".Length, "waves".Length],
            spans.Select(s => (int)s.GetTagItem("messaging.message.body.size")!).OrderDescending());
    }

    [Fact]
    public async Task ConnectionsJoinsLeavesAndCommandsAreNotSpans()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (room[0], room[1], room[2]);
        await alice.SendLineAsync("/nick alicia");
        await alice.SendLineAsync("/who");
        await alice.SendLineAsync("/msg bob psst");
        await alice.SendLineAsync("/ping 1");
        await alice.ExpectLinesAsync("alice is now known as alicia", "Users here (3): alicia, bob, carol", "[private to bob] psst", "PONG 1");
        await bob.SendLineAsync("/quit");
        await bob.ExpectLinesAsync("alice is now known as alicia", "[private] alicia: psst");
        await bob.ExpectClosedAsync();
        carol.Reset();
        await alice.ExpectLinesAsync("bob left the chat!", "carol left the chat!");
        await alice.SendLineAsync("the one broadcast");
        await alice.ExpectLineAsync("alicia: the one broadcast");

        var spans = await capture.WaitForActivitiesAsync(a => a.DisplayName == BroadcastSpan, 1, "the broadcast span");
        await Task.Delay(TestChatClient.QuietPeriod);
        var all = capture.Activities;
        Assert.True(
            all.Length == 1 && all[0] == spans[0],
            $"long-lived connections, joins, leaves, renames and commands are logs, not spans; got:\n{TelemetryCapture.Describe(all)}");
        Assert.Equal(1, spans[0].GetTagItem("chatroom.broadcast.recipients"));
    }
}
