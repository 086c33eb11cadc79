using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>Trace context fields reach other clients only when they match the W3C grammar; the line itself always does.</summary>
public sealed class TraceContextRelayTests
{
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public async Task EscapeSequencesInTraceFieldsAreDroppedAndTheLineDelivered()
    {
        await using var server = await TestChatServer.StartAsync();
        var (carol, dave) = await JoinTwoStructuredAsync(server);

        await carol.SendRawAsync(Encoding.UTF8.GetBytes(
            "{\"text\":\"hello\",\"traceparent\":\"\\u001b]0;owned\\u0007\\u001b[2J\",\"tracestate\":\"\\u202eevil\"}\n"));

        var message = await dave.ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal(("carol", "hello", null, null), (message.From, message.Text, message.Traceparent, message.Tracestate));
    }

    [Fact]
    public async Task OversizedTraceparentIsDropped()
    {
        await using var server = await TestChatServer.StartAsync();
        var (carol, dave) = await JoinTwoStructuredAsync(server);

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "hello", Traceparent = Traceparent + new string('0', 3900) });

        var line = await dave.ReadLineAsync();
        Assert.DoesNotContain("traceparent", line, StringComparison.Ordinal);
        Assert.True(line.Length < 200, $"the event is {line.Length} characters long");
    }

    [Fact]
    public async Task InvalidTracestateAloneIsDroppedAndAValidTraceparentKept()
    {
        await using var server = await TestChatServer.StartAsync();
        var (carol, dave) = await JoinTwoStructuredAsync(server);

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "hello", Traceparent = Traceparent, Tracestate = "Bad Key=1" });

        var message = await dave.ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal((Traceparent, null), (message.Traceparent, message.Tracestate));
    }

    [Fact]
    public async Task TracestateWithoutAValidTraceparentIsDropped()
    {
        await using var server = await TestChatServer.StartAsync();
        var (carol, dave) = await JoinTwoStructuredAsync(server);

        await carol.SendEnvelopeAsync(new ClientEnvelope { Text = "hello", Traceparent = Traceparent.ToUpperInvariant(), Tracestate = "vendor=1" });

        var message = await dave.ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal(("hello", null, null), (message.Text, message.Traceparent, message.Tracestate));
    }

    private static async Task<(TestChatClient Carol, TestChatClient Dave)> JoinTwoStructuredAsync(TestChatServer server)
    {
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        var dave = await server.ConnectAsync("dave");
        await dave.JoinStructuredAsync("dave");
        await carol.ExpectEventAsync(ChatEventKind.Join);
        return (carol, dave);
    }
}
