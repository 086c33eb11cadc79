using System.Text;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// Clients of other protocols on the chat port: a web page can make a visitor's browser send an HTTP request to any
/// address it reaches, and a TLS client may dial the plaintext port. Each gets one ERR line and is closed at once,
/// and nothing it sent reaches the room.
/// </summary>
public sealed class CrossProtocolTests
{
    private const string NotHttp = "ERR this is a ChatRoom port: it speaks lines of text, not HTTP";

    [Fact]
    public async Task BrowserStylePostCanNeitherJoinNorSpeak()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var browser = await server.ConnectToNickPromptAsync("browser");
        const string body = "x=\nmallory\nhello from a browser tab\n";

        // What fetch("http://127.0.0.1:<chat port>/", {method: "POST", body}) sends, a text/plain body needing no preflight.
        await browser.SendRawAsync(Encoding.ASCII.GetBytes(
            $"POST / HTTP/1.1\r\nHost: 127.0.0.1:{server.ChatPort}\r\nContent-Type: text/plain;charset=UTF-8\r\n" +
            $"Origin: http://evil.example\r\nContent-Length: {body.Length}\r\n\r\n{body}"));

        await browser.ExpectLineAsync(NotHttp);
        await browser.ExpectClosedAsync();
        await alice.SendLineAsync("/who");
        await alice.ExpectLineAsync("Users here (1): alice");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("GET /favicon.ico HTTP/1.0")]
    [InlineData("OPTIONS * HTTP/1.1")]
    [InlineData("PRI * HTTP/2.0")]
    public async Task HttpRequestLineIsAnsweredOnceAndClosedAtOnce(string requestLine)
    {
        // The handshake timeout is far away: only the request line can have closed the connection.
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:05:00");
        var browser = await server.ConnectToNickPromptAsync("browser");

        await browser.SendRawAsync(Encoding.ASCII.GetBytes(requestLine + "\r\nHost: localhost\r\nAccept: */*\r\n\r\n"));

        await browser.ExpectLineAsync(NotHttp);
        await browser.ExpectClosedAsync();
    }

    [Fact]
    public async Task TlsClientOnThePlaintextPortIsAnsweredOnceAndClosedAtOnce()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:05:00");
        var tls = await server.ConnectToNickPromptAsync("tls");

        // The start of a ClientHello record: handshake (0x16), TLS 1.0 record version, a length; no line end anywhere.
        await tls.SendRawAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03 });

        await tls.ExpectLineAsync("ERR this is a ChatRoom port: it speaks lines of text, not TLS");
        await tls.ExpectClosedAsync();
    }

    [Fact]
    public async Task NicknameThatLooksLikeARequestLineOnlyAfterJoiningIsJustText()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("GET / HTTP/1.1");

        await room.AllExpectLinesAsync("alice: GET / HTTP/1.1");
    }

    [Fact]
    public async Task RefusedNicknamesCountTowardTheRefusedLinesLimit()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1000000", "Flood:LinesPerSecond=1000000");
        var guesser = await server.ConnectToNickPromptAsync("guesser");

        await guesser.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("bad nick\n", 20))));

        for (var i = 0; i < 19; i++)
        {
            await guesser.ExpectLinesAsync("ERR nickname may not contain spaces", "NICK");
        }

        await guesser.ExpectLinesAsync("ERR nickname may not contain spaces", "ERR disconnected: 20 invalid lines in a row");
        await guesser.ExpectClosedAsync();
    }
}
