using System.Net;
using ChatRoom.Server.Tests.Harness;

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
    public async Task ChatPortAndHealthPortAreDifferent()
    {
        await using var server = await TestChatServer.StartAsync();

        Assert.NotEqual(server.ChatPort, server.HttpPort);
        await server.ConnectToNickPromptAsync();
    }
}
