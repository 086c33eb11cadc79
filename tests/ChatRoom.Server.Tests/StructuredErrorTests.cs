using System.Reflection;
using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// docs/protocol.md, Errors, as a program reads them: every ERR line reaches a structured client as an <c>error</c>
/// event with its code and text, and the others read why someone left in the <c>leave</c> event's code.
/// </summary>
public sealed class StructuredErrorTests
{
    // The codes whose error ends the connection, each with its own test below.
    private static readonly string[] DisconnectingCodes = [ErrorCodes.Flood, ErrorCodes.ProtocolError, ErrorCodes.WrongProtocol, ErrorCodes.HandshakeTimeout];

    // Two lines at once (a structured handshake's /json and nickname), then one every 2 s; one delayed line in a row.
    private static readonly string[] FloodLimits = ["Flood:Burst=2", "Flood:LinesPerSecond=0.5", "Flood:MaxDelayedLines=1"];

    // Its line is the same event, read by a plain client there: DeliveryPolicyTests.ClientThatReadsTooSlowly...
    // The codes of a room shared through Redis: tests/ChatRoom.Backplane.Tests (FailureTests) runs those servers.
    private static readonly string[] CodesTestedElsewhere = [ErrorCodes.SlowConsumer, ErrorCodes.RoomUnavailable, ErrorCodes.NickLost];

    /// <summary>What carol, joined in structured mode beside bob, sends; the code and text of the error she alone gets.</summary>
    public static TheoryData<string, byte[], string> RefusedLines => new()
    {
        { ErrorCodes.LineTooLong, Line(new string('x', 5000)), "line is longer than 4096 bytes" },
        { ErrorCodes.InvalidUtf8, [0xFF, 0xFE, (byte)'\n'], "line is not valid UTF-8" },
        { ErrorCodes.ControlCharacter, Line("\u001b[31mred"), "line contains control characters" },
        { ErrorCodes.DirectionOverride, Line("abc\u202Eevil"), "line contains bidirectional override characters" },
        { ErrorCodes.LineSeparator, Line("one\u2028two"), "line contains a Unicode line or paragraph separator" },
        { ErrorCodes.InvisibleCharacter, Line("a\u200Bb"), "line contains invisible characters" },
        { ErrorCodes.CombiningMarks, Line("a" + new string('\u0301', 7)), "line stacks more than 6 combining marks on one character" },
        { ErrorCodes.NickInvalid, Line("/nick bad nick"), "nickname may not contain spaces" },
        { ErrorCodes.NickInUse, Line("/nick BOB"), "nickname 'BOB' is already in use" },
        { ErrorCodes.UnknownCommand, Line("/dance"), "unknown command '/dance' (try /help)" },
        { ErrorCodes.Usage, Line("/msg bob"), "usage: /msg <nick> <text>" },
        { ErrorCodes.NoSuchUser, Line("/msg nobody hi"), "no such user 'nobody'" },
        { ErrorCodes.BadJson, Line("{not json"), "envelope is not valid JSON" },
        { ErrorCodes.EmptyText, Line("{\"text\":\"\"}"), "envelope text must not be empty" },
    };

    [Fact]
    public void EveryErrorCodeIsSentByOneOfTheseTests()
    {
        var tested = RefusedLines.Select(row => (string)row[0]).Concat(DisconnectingCodes).Concat(CodesTestedElsewhere);
        var defined = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetRawConstantValue()!);

        Assert.Equal(defined.Order(StringComparer.Ordinal), tested.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RefusedLines))]
    public async Task RefusedLineGetsAnErrorEventWithItsCodeAndTheConnectionCarriesOn(string code, byte[] line, string text)
    {
        await using var server = await TestChatServer.StartAsync();
        var bob = await server.JoinAsync("bob");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        await bob.ExpectLineAsync("carol joined the chat!");

        await carol.SendRawAsync(line);

        var error = await carol.ExpectEventAsync(ChatEventKind.Error);
        Assert.Equal((code, text), (error.Code, error.Text));
        await carol.SendLineAsync("still here");
        var echo = await carol.ExpectEventAsync(ChatEventKind.Message);
        Assert.Equal(("carol", "still here"), (echo.From, echo.Text));
        await bob.ExpectLineAsync("carol: still here");
    }

    [Fact]
    public async Task FloodingGetsTheFloodCodeFirstAsANoticeThenAsTheDisconnect()
    {
        await using var server = await TestChatServer.StartAsync(FloodLimits);
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");

        await carol.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n"))));

        var errors = await ReadErrorsUntilClosedAsync(carol);
        Assert.Equal((ErrorCodes.Flood, "flooding: slow down to 0.5 lines per second; your lines are being delayed"), errors[0]);
        Assert.Equal((ErrorCodes.Flood, "disconnected for flooding"), errors[^1]);
    }

    [Fact]
    public async Task TwentyRefusedLinesInARowGetTheProtocolErrorCode()
    {
        await using var server = await TestChatServer.StartAsync();
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");

        await carol.SendRawAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\u001b[31m\n", 20))));

        var errors = await ReadErrorsUntilClosedAsync(carol);
        Assert.Equal(Enumerable.Repeat<(string?, string?)>((ErrorCodes.ControlCharacter, "line contains control characters"), 20), errors[..^1]);
        Assert.Equal((ErrorCodes.ProtocolError, "disconnected: 20 invalid lines in a row"), errors[^1]);
    }

    [Fact]
    public async Task HttpRequestLineAfterJsonGetsTheWrongProtocolCode()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:05:00");
        var client = await server.ConnectToNickPromptAsync();
        await client.SwitchToStructuredAsync();
        await client.ExpectEventAsync(ChatEventKind.Nick);

        await client.SendRawAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());

        var errors = await ReadErrorsUntilClosedAsync(client);
        Assert.Equal([(ErrorCodes.WrongProtocol, "this is a ChatRoom port: it speaks lines of text, not HTTP")], errors);
    }

    [Fact]
    public async Task HandshakeThatDoesNotFinishGetsTheHandshakeTimeoutCode()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:00:01");
        var client = await server.ConnectToNickPromptAsync();
        await client.SwitchToStructuredAsync();
        await client.ExpectEventAsync(ChatEventKind.Nick);

        var errors = await ReadErrorsUntilClosedAsync(client);
        Assert.Equal([(ErrorCodes.HandshakeTimeout, "handshake timed out")], errors);
    }

    [Theory]
    [InlineData("quit")]
    [InlineData("dropped")]
    [InlineData("flood")]
    [InlineData("protocol_error")]
    public async Task OthersReadWhySomeoneLeftInTheLeaveCode(string code)
    {
        // write_timeout: AbuseTests.PeerWhoseSocketAcceptsNothingIsDisconnectedAtTheWriteTimeout; slow_consumer:
        // DeliveryPolicyTests.ClientThatNeverReadsIsDisconnectedAtTheLagLimitWithReasonSlowConsumer.
        await using var server = code == "flood"
            ? await TestChatServer.StartAsync(FloodLimits)
            : await TestChatServer.StartAsync();
        var observer = await server.ConnectAsync("observer");
        await observer.JoinStructuredAsync("observer");
        var leaver = await server.JoinAsync("leaver");

        switch (code)
        {
            case "quit":
                await leaver.SendLineAsync("/quit bye");
                break;
            case "dropped":
                leaver.Reset();
                break;
            case "flood":
                await leaver.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n"))));
                break;
            default:
                await leaver.SendRawAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\u001b[31m\n", 20))));
                break;
        }

        var left = await observer.ExpectEventAsync(ChatEventKind.Join);
        Assert.Equal("leaver", left.From);
        do
        {
            left = await observer.ReadEventAsync(); // the flooder's lines that passed come first
        }
        while (left.Kind == ChatEventKind.Message && left.From == "leaver");

        Assert.Equal((ChatEventKind.Leave, "leaver", code), (left.Kind, left.From, left.Code));
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    /// <summary>The error events <paramref name="client"/> receives (room events between them are skipped) until the server closes it.</summary>
    private static async Task<List<(string? Code, string? Text)>> ReadErrorsUntilClosedAsync(TestChatClient client)
    {
        var errors = new List<(string?, string?)>();
        while (true)
        {
            var received = await client.ReadEventAsync();
            if (received.Kind == ChatEventKind.Error)
            {
                errors.Add((received.Code, received.Text));
                if (received.Code is ErrorCodes.ProtocolError or ErrorCodes.WrongProtocol or ErrorCodes.HandshakeTimeout
                    || received.Text == "disconnected for flooding")
                {
                    await client.ExpectClosedAsync();
                    return errors;
                }
            }
        }
    }
}
