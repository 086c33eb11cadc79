using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class HealthTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthEndpointAnswersHealthyOnTheHttpPort(string path)
    {
        await using var server = await TestChatServer.StartAsync();
        using var http = new HttpClient { Timeout = TestChatClient.DefaultTimeout };

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}{path}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ChatPortSpeaksTheChatAndHealthPortSpeaksHttp()
    {
        await using var server = await TestChatServer.StartAsync();

        // The chat port: the server speaks first, and an HTTP request is not understood.
        var chat = await server.ConnectToNickPromptAsync();
        await chat.SendLineAsync("GET /health HTTP/1.1");
        await chat.ExpectLineAsync("ERR this is a ChatRoom port: it speaks lines of text, not HTTP");
        await chat.ExpectClosedAsync();

        // The health port: nothing until a request, then an HTTP answer, never the chat.
        using var health = new TcpClient();
        await health.ConnectAsync(IPAddress.Loopback, server.HttpPort);
        var stream = health.GetStream();
        await stream.WriteAsync("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
        var response = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Healthy", response[response.IndexOf("\r\n\r\n", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }
}
