using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatRoom.Backplane.Tests.Harness;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Backplane.Tests;

/// <summary>One trace per message across servers, and the backplane's latency, as an operator's collector receives them.</summary>
[Collection(BackplaneCollectionDefinition.Name)]
public sealed class BackplaneTelemetryTests(RedisInstallation redis)
{
    private const string ClientTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [SkippableFact]
    public async Task OneTraceRunsFromTheSenderThroughTheReceivingServerToEveryServerThatDeliversTheLine()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ChatRoom.Server",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var latencies = new ConcurrentQueue<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listening) =>
        {
            if (instrument.Name == "chatroom.backplane.latency")
            {
                listening.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((_, seconds, _, _) => latencies.Enqueue(seconds));
        meters.Start();

        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        var alice = await room.Servers[0].ConnectAsync("alice");
        await alice.JoinStructuredAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        await alice.ExpectEventAsync(ChatEventKind.Join);
        latencies.Clear();

        await alice.SendEnvelopeAsync(new ClientEnvelope { Text = "traced", Traceparent = ClientTraceparent });
        await bob.ExpectLineAsync("alice: traced");
        Assert.Equal(ClientTraceparent, (await alice.ExpectEventAsync(ChatEventKind.Message)).Traceparent);

        var deadline = Stopwatch.StartNew();
        Activity[] received;
        while ((received = [.. spans.Where(span => span.DisplayName == "receive lobby" && span.TraceId.ToString() == "4bf92f3577b34da6a3ce929d0e0e4736")]).Length < 2)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"expected a receive span from each server; spans: {string.Join(", ", spans.Select(s => s.DisplayName))}");
            await Task.Delay(20);
        }

        var processed = Assert.Single(spans, span => span.DisplayName == "process lobby" && span.TraceId.ToString() == "4bf92f3577b34da6a3ce929d0e0e4736");
        Assert.Equal("00f067aa0ba902b7", processed.ParentSpanId.ToString());
        Assert.All(received, span => Assert.Equal(processed.SpanId, span.ParentSpanId));
        Assert.Equal(2, received.Select(span => (string?)span.GetTagItem("chatroom.server.id")).Distinct().Count());
        Assert.True(latencies.Count >= 2, "each server records the line's backplane latency");
        Assert.All(latencies, seconds => Assert.InRange(seconds, 0, 5));
    }
}
