using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Server.Connections;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// Every port is under a limit: the TLS chat port is admitted before its TLS handshake, within one deadline for TLS
/// and the nickname together, and the health port has its own small cap and short timeouts.
/// </summary>
public sealed class PortLimitTests : IClassFixture<SelfSignedCertificate>
{
    // Beyond every bound below: a connection still open then was never going to be closed.
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(20);

    private readonly SelfSignedCertificate _certificate;

    public PortLimitTests(SelfSignedCertificate certificate) => _certificate = certificate;

    [Fact]
    public async Task SilentTlsConnectionsCountAgainstTheLimitsAndCloseAtTheDeadline()
    {
        await using var server = await TestChatServer.StartAsync(
            "Tls:Port=0", $"Tls:CertificatePath={_certificate.PfxPath}",
            "MaxClients=20", "MaxConnectionsPerAddress=5", "LimitLoopback=true", "HandshakeTimeout=00:00:03");
        var admission = server.Services.GetRequiredService<ConnectionAdmission>();
        admission.TakePeak();

        // 300 TCP connections that never send a ClientHello, 10 from each of 30 loopback addresses.
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                sockets.Add(await ConnectAsync(IPAddress.Parse($"127.0.0.{1 + (i / 10)}"), server.TlsPort!.Value));
            }

            var outcomes = await Task.WhenAll(sockets.Select(ReadUntilClosedAsync));

            var refused = outcomes.Count(o => o.Text is "ERR server is full\n" or "ERR too many connections from your address\n");
            var admitted = outcomes.Where(o => o.Text.Length == 0).ToArray();
            Assert.Equal(300, refused + admitted.Length);
            Assert.InRange(admission.TakePeak(), 1, 20);
            Assert.InRange(refused, 250, 299);
            // The admitted ones, silent in the TLS handshake, were closed by the one handshake deadline.
            Assert.All(admitted, o => Assert.InRange(o.Elapsed, TimeSpan.FromSeconds(2.5), CloseBound));
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }

        var late = await server.ConnectTlsAsync(_certificate.Certificate, "late");
        await late.JoinAsync("late");
    }

    [Fact]
    public async Task OneDeadlineCoversTheTlsHandshakeAndTheNickname()
    {
        await using var server = await TestChatServer.StartAsync(
            "Tls:Port=0", $"Tls:CertificatePath={_certificate.PfxPath}", "HandshakeTimeout=00:00:05");
        using var socket = await ConnectAsync(IPAddress.Loopback, server.TlsPort!.Value);
        var connected = Stopwatch.StartNew();

        // A slow client: TLS begins 2 s into the 5 s (the handshake itself has the other 3 on a busy machine), and
        // then no nickname comes.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(_certificate.Certificate.GetCertHash()),
        });
        using var reader = new StreamReader(tls, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(CloseBound);

        Assert.Equal("NICK", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal("ERR handshake timed out", await reader.ReadLineAsync(timeout.Token));
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
        // Not 2 + 5 s: the nickname had what was left of the same deadline.
        Assert.InRange(connected.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(6.5));
    }

    [Fact]
    public async Task HealthPortClosesConnectionsBeyondItsCapAtOnceAndIdleOnesSoon()
    {
        await using var server = await TestChatServer.StartAsync("HealthMaxConnections=4");
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                sockets.Add(await ConnectAsync(IPAddress.Loopback, server.HttpPort));
            }

            var outcomes = await Task.WhenAll(sockets.Select(ReadUntilClosedAsync));

            // All closed: beyond the cap at once, the 4 it served after the 5 s keep-alive timeout.
            Assert.All(outcomes, o => Assert.Equal("", o.Text));
            Assert.InRange(outcomes.Count(o => o.Elapsed < TimeSpan.FromSeconds(4)), 296, 300);
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }

        using var http = new HttpClient { Timeout = TestChatClient.DefaultTimeout };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/health"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<Socket> ConnectAsync(IPAddress from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>What the server sent before it closed the connection, and how long after this call it did.</summary>
    private static async Task<(string Text, TimeSpan Elapsed)> ReadUntilClosedAsync(Socket socket)
    {
        var stopwatch = Stopwatch.StartNew();
        var received = new List<byte>();
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(CloseBound);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"a connection was still open after {CloseBound.TotalSeconds} s");
        }

        return (Encoding.ASCII.GetString([.. received]), stopwatch.Elapsed);
    }
}
