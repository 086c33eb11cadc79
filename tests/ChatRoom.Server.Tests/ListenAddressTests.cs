using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace ChatRoom.Server.Tests;

/// <summary>
/// docs/configuration.md, Chat:Host: <c>*</c> binds every IPv4 interface; <c>localhost</c> binds both loopbacks, IPv4
/// alone when the port is 0. The real host, started directly: the harness expects one address per listener.
/// </summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task StarBindsEveryIpv4InterfaceAndNoIpv6One()
    {
        await using var app = await StartAsync("*", chatPort: 0);

        Assert.All(app.Urls, url => Assert.StartsWith("http://0.0.0.0:", url, StringComparison.Ordinal));
        var port = new Uri(app.Urls.First()).Port;
        Assert.Equal("NICK", await FirstLineAsync(IPAddress.Loopback, port));
        await AssertRefusedAsync(IPAddress.IPv6Loopback, port);
    }

    [Fact]
    public async Task LocalhostBindsBothLoopbacksOnAGivenPort()
    {
        var port = FreePort();
        await using var app = await StartAsync("localhost", port);

        Assert.Equal("NICK", await FirstLineAsync(IPAddress.Loopback, port));
        Assert.Equal("NICK", await FirstLineAsync(IPAddress.IPv6Loopback, port));
    }

    [Fact]
    public async Task LocalhostBindsTheIpv4LoopbackAloneOnPortZero()
    {
        await using var app = await StartAsync("localhost", chatPort: 0);

        var port = new Uri(app.Urls.First()).Port;
        Assert.Equal("NICK", await FirstLineAsync(IPAddress.Loopback, port));
        await AssertRefusedAsync(IPAddress.IPv6Loopback, port);
    }

    private static async Task<WebApplication> StartAsync(string host, int chatPort)
    {
        var app = ChatServerApp.Create(
            [$"--Chat:Host={host}", $"--Chat:Port={chatPort}", "--Chat:HttpPort=0", "--Logging:LogLevel:Default=Warning"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await app.StartAsync(timeout.Token);
        return app;
    }

    private static async Task<string?> FirstLineAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(address, port, timeout.Token);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        return await reader.ReadLineAsync(timeout.Token);
    }

    private static async Task AssertRefusedAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    /// <summary>A port free on both loopbacks a moment ago: one the kernel picked for IPv4, checked free on IPv6 too.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 10)
            {
                // Taken on IPv6: another one.
            }
        }
    }
}
