using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// The whole application as the AppHost starts it: a client joins through the server's endpoint as Aspire exposes
/// it, sees every simulated client in <c>/who</c> and hears them talk, and the server's and the simulated clients'
/// telemetry leaves by OTLP.
/// </summary>
public sealed class AppHostTests(ChatRoomAppFixture fixture) : IClassFixture<ChatRoomAppFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EverySimulatedClientJoinsAndTalks()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;

        using var chat = await JoinAsync("apphost-test");

        // Ask /who every second and listen to the room, until /who lists as many simulated clients as the model has
        // replicas and each of them has been heard, or the time is up; then check what was seen.
        var simulators = new HashSet<string>(StringComparer.Ordinal);
        var talkers = new HashSet<string>(StringComparer.Ordinal);
        var lastWho = DateTime.MinValue;
        while (!ct.IsCancellationRequested && (simulators.Count != fixture.Replicas || !simulators.IsSubsetOf(talkers)))
        {
            if (DateTime.UtcNow - lastWho > TimeSpan.FromSeconds(1))
            {
                await chat.SendLineAsync("/who");
                lastWho = DateTime.UtcNow;
            }

            switch (await chat.TryReadEventAsync(TimeSpan.FromSeconds(1)))
            {
                case { Kind: ChatEventKind.System, Code: "who", Users: { } users }:
                    simulators = users.Where(IsSimulator).ToHashSet(StringComparer.Ordinal);
                    break;
                case { Kind: ChatEventKind.Message or ChatEventKind.Action, From: { } from } when IsSimulator(from):
                    talkers.Add(from);
                    break;
            }
        }

        Assert.True(simulators.Count == fixture.Replicas,
            $"/who lists {simulators.Count} simulated clients (nicknames starting '{fixture.NickPrefix}'), the model has "
            + $"{fixture.Replicas} replicas: [{string.Join(", ", simulators)}].");
        var silent = simulators.Except(talkers).ToList();
        Assert.True(silent.Count == 0, $"Never heard from: [{string.Join(", ", silent)}]; heard: [{string.Join(", ", talkers)}].");
    }

    [Fact]
    public async Task ServerTelemetryReachesTheOtlpEndpoint()
    {
        // Some traffic of our own, so this does not depend on the simulated clients: a connection and a user (the
        // UpDownCounters chatroom.connection.count and chatroom.user.count) and one broadcast (a "process lobby" span).
        using var chat = await JoinAsync("otlp-probe");
        await chat.SendLineAsync("hello from the telemetry test");
        await chat.WaitForEventAsync(e => e is { Kind: ChatEventKind.Message, From: "otlp-probe" }, "our own message", EventTimeout);

        // Exported every second (OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_SCHEDULE_DELAY set by the fixture).
        await fixture.Otlp.WaitForAsync("metrics", TestTimeout, "ChatRoom.Server", "chatroom.connection.count", "chatroom.user.count");

        // A broadcast is a "process lobby" span on the ActivitySource ChatRoom.Server.
        await fixture.Otlp.WaitForAsync("traces", TestTimeout, "ChatRoom.Server", "process lobby");
    }

    [Fact]
    public async Task SimulatedClientsTelemetryReachesTheOtlpEndpoint()
    {
        // The headline figure of the dashboard: each bot times the round trip of its own messages.
        await fixture.Otlp.WaitForAsync("metrics", TestTimeout, "ChatRoom.Client", "chatroom.client.round_trip.duration", "chatroom.client.messages.sent");

        // A bot's message starts its trace with a "send lobby" span on the ActivitySource ChatRoom.Client.
        await fixture.Otlp.WaitForAsync("traces", TestTimeout, "ChatRoom.Client", "send lobby");
    }

    /// <summary>
    /// Connects to the server's <c>tcp</c> endpoint as the testing builder exposes it (<c>tcp://localhost:port</c>; the
    /// port of Aspire's proxy is randomized in tests, so never 55555 here), switches to JSON events and joins.
    /// </summary>
    private async Task<TestChatClient> JoinAsync(string nick)
    {
        var endpoint = fixture.App.GetEndpoint("server", "tcp");
        Assert.Equal("tcp", endpoint.Scheme);

        var chat = await TestChatClient.ConnectThroughProxyAsync(endpoint, nick, EventTimeout);
        try
        {
            await chat.JoinStructuredAsync(nick);
            return chat;
        }
        catch
        {
            chat.Dispose();
            throw;
        }
    }

    private bool IsSimulator(string nick) => nick.StartsWith(fixture.NickPrefix, StringComparison.OrdinalIgnoreCase);
}
