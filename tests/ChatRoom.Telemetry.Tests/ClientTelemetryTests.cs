using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ChatRoom.Client.Connection;
using ChatRoom.Client.Telemetry;
using ChatRoom.Protocol.Events;
using ChatRoom.Telemetry.Tests.Harness;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ChatRoom.Telemetry.Tests;

/// <summary>
/// The console client's session (the code every mode of ChatRoom.Client sends and receives with) against the real
/// server: its spans on ChatRoom.Client frame the server's, in one trace, and its instruments count and time what it did.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ClientTelemetryTests
{
    private const string ClientSource = "ChatRoom.Client";
    private const string ServerSource = "ChatRoom.Server";

    [Fact]
    public async Task OneTraceFollowsAMessageFromTheSenderThroughTheServerBackToTheSender()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var (bob, carol) = await BobAndCarolAsync(server, services);
        await using var leave = carol;

        await carol.SendAsync("hello, traced", CancellationToken.None);

        var echo = await ReceiveOwnMessageAsync(carol);
        await bob.ExpectLineAsync("carol: hello, traced");
        var send = Assert.Single(await capture.WaitForActivitiesAsync(a => a.Source.Name == ClientSource && a.Kind == ActivityKind.Producer, 1, "the client's send span"));
        Assert.Equal("send lobby", send.DisplayName);
        Assert.Equal(send.Id, echo.Traceparent); // the envelope carried the send span's context
        var journey = await capture.WaitForActivitiesAsync(a => a.TraceId == send.TraceId, 3, $"three spans in trace {send.TraceId}");
        var broadcast = Assert.Single(journey, a => a.Source.Name == ServerSource);
        var returned = Assert.Single(journey, a => a.Source.Name == ClientSource && a.Kind == ActivityKind.Consumer);
        Assert.Equal(("process lobby", ActivityKind.Consumer, send.SpanId), (broadcast.DisplayName, broadcast.Kind, broadcast.ParentSpanId));
        Assert.Equal(("process lobby", send.SpanId), (returned.DisplayName, returned.ParentSpanId));
        var id = echo.Id!.Value.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(id, broadcast.GetTagItem("messaging.message.id"));
        Assert.Equal(id, returned.GetTagItem("messaging.message.id"));
        foreach (var span in (Activity[])[send, returned])
        {
            Assert.Equal("chatroom", span.GetTagItem("messaging.system"));
            Assert.Equal("lobby", span.GetTagItem("messaging.destination.name"));
            Assert.Equal("hello, traced".Length, span.GetTagItem("messaging.message.body.size"));
        }
    }

    [Fact]
    public async Task ClientCountsWhatItSendsAndReceivesAndTimesTheRoundTripOfItsOwnMessages()
    {
        using var capture = new TelemetryCapture();
        await using var server = await TestChatServer.StartAsync();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var (bob, carol) = await BobAndCarolAsync(server, services);
        await using var leave = carol;

        await bob.SendLineAsync("hi carol");
        await carol.SendAsync("/me waves", CancellationToken.None);
        await carol.SendAsync("first", CancellationToken.None);
        await carol.SendAsync("second", CancellationToken.None);
        await carol.SendAsync("/who", CancellationToken.None); // a command: neither sent nor timed as a message
        await ReceiveOwnMessageAsync(carol);
        await ReceiveOwnMessageAsync(carol);

        var metrics = capture.CollectMetrics();
        Assert.Equal("{message}", metrics["chatroom.client.messages.sent"].Unit);
        Assert.Equal(3, metrics.Sum("chatroom.client.messages.sent")); // "/me waves" is said to the room too
        Assert.Equal("s", metrics["chatroom.client.round_trip.duration"].Unit);
        Assert.Equal(MetricType.Histogram, metrics["chatroom.client.round_trip.duration"].MetricType);
        Assert.Equal(3, metrics.Count("chatroom.client.round_trip.duration")); // the action came back first
        Assert.InRange(metrics.HistogramSum("chatroom.client.round_trip.duration"), 1e-6, 10);
        Assert.Contains(0.00025, metrics.BucketBounds("chatroom.client.round_trip.duration"));
        Assert.Equal(3, metrics.Sum("chatroom.client.messages.received", "chatroom.event.kind", "message"));
        Assert.Equal(1, metrics.Sum("chatroom.client.messages.received", "chatroom.event.kind", "action"));
    }

    /// <summary>Bob with a plain socket, Carol with the client's session; both have seen Carol join.</summary>
    private static async Task<(TestChatClient Bob, ClientSession Carol)> BobAndCarolAsync(TestChatServer server, IServiceProvider services)
    {
        var bob = await server.JoinAsync("bob");
        var carol = await ClientSession.JoinAsync(
            new ServerAddress("127.0.0.1", server.ChatPort),
            (_, _) => ValueTask.FromResult("carol"),
            new ClientMetrics(services.GetRequiredService<IMeterFactory>()),
            CancellationToken.None);
        await bob.ExpectLineAsync("carol joined the chat!");
        return (bob, carol);
    }

    private static async Task<ChatEvent> ReceiveOwnMessageAsync(ClientSession session)
    {
        using var timeout = new CancellationTokenSource(TelemetryCapture.WaitTimeout);
        while (await session.ReceiveAsync(timeout.Token) is { } chatEvent)
        {
            if (chatEvent is { Kind: ChatEventKind.Message } && chatEvent.From == session.Nick)
            {
                return chatEvent;
            }
        }

        throw new EndOfStreamException("the server closed the connection before the message came back");
    }
}
