using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// docs/protocol.md, peers that vanish: the server has the kernel probe a silent peer after Chat:KeepAliveTime and give
/// up after three unanswered probes Chat:KeepAliveInterval apart, and bounds unacknowledged sends by the same time.
/// Cutting a peer off needs a network to cut (tests/ChatRoom.ContainerTests, VanishedPeerTests); in-process, this reads
/// the settings off the server's own end of a chat connection.
/// </summary>
public sealed class KeepAliveTests
{
    // Linux <netinet/tcp.h>: IPPROTO_TCP, TCP_USER_TIMEOUT (milliseconds).
    private const int IpProtocolTcp = 6;
    private const int TcpUserTimeout = 18;

    [Fact]
    public async Task ServerEndOfAChatConnectionProbesASilentPeerAsConfigured()
    {
        await using var server = await TestChatServer.StartAsync("KeepAliveTime=00:00:07", "KeepAliveInterval=00:00:02");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.ChatPort));
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        Assert.Equal("NICK", await reader.ReadLineAsync());

        using (var serverEnd = ServerEndOf(server.ChatPort, (IPEndPoint)client.LocalEndPoint!))
        {
            Assert.Equal(1, (int)serverEnd.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
            Assert.Equal(7, (int)serverEnd.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
            Assert.Equal(2, (int)serverEnd.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
            Assert.Equal(3, (int)serverEnd.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
            var userTimeout = new byte[sizeof(int)];
            serverEnd.GetRawSocketOption(IpProtocolTcp, TcpUserTimeout, userTimeout);
            Assert.Equal(13_000, BitConverter.ToInt32(userTimeout)); // 7 s + 3 × 2 s
        }

        // The borrowed handle closed nothing: the connection is the server's still, and works.
        await stream.WriteAsync("alice\n"u8.ToArray());
        Assert.Equal("Connected to the server!", await reader.ReadLineAsync());
    }

    /// <summary>
    /// The server's socket of the connection from <paramref name="client"/>, found among this process's open files and
    /// borrowed: disposing the wrapper (ownsHandle false) closes nothing.
    /// </summary>
    private static Socket ServerEndOf(int chatPort, IPEndPoint client)
    {
        foreach (var link in Directory.GetFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(link), out var descriptor)
                || LinkTarget(link) is not { } target
                || !target.StartsWith("socket:", StringComparison.Ordinal))
            {
                continue;
            }

            Socket socket;
            try
            {
                socket = new Socket(new SafeSocketHandle(descriptor, ownsHandle: false));
            }
            catch (SocketException)
            {
                continue; // closed meanwhile, or not a socket .NET can wrap (netlink)
            }

            if (socket.LocalEndPoint is IPEndPoint local && local.Port == chatPort && socket.RemoteEndPoint is IPEndPoint remote && remote.Port == client.Port)
            {
                return socket;
            }

            socket.Dispose();
        }

        Assert.Fail($"no socket of this process is the server's end of {client}");
        return null!;

        // Other tests of this process open and close files meanwhile: a descriptor listed may be gone when read.
        static string? LinkTarget(string link)
        {
            try
            {
                return File.ResolveLinkTarget(link, returnFinalTarget: false)?.Name;
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }
}
