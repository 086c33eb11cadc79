using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Tests;

/// <summary>The optional TLS chat endpoint (Chat:Tls): one room with the plaintext port (the console client's --tls: Client.Tests).</summary>
public sealed class TlsTests : IClassFixture<SelfSignedCertificate>
{
    private readonly SelfSignedCertificate _certificate;

    public TlsTests(SelfSignedCertificate certificate) => _certificate = certificate;

    [Fact]
    public async Task TlsAndPlaintextClientsShareOneRoom()
    {
        await using var server = await StartTlsServerAsync();
        var plain = await server.JoinAsync("plain");
        var secure = await server.ConnectTlsAsync(_certificate.Certificate, "secure");
        await secure.JoinAsync("secure");
        await plain.ExpectLineAsync("secure joined the chat!");

        await secure.SendLineAsync("over tls");
        await plain.ExpectLineAsync("secure: over tls");
        await plain.SendLineAsync("over tcp");

        await plain.ExpectLineAsync("plain: over tcp");
        await secure.ExpectLinesAsync("secure: over tls", "plain: over tcp");
    }

    [Fact]
    public async Task PlaintextSpokenToTheTlsPortCostsOnlyThatConnection()
    {
        await using var server = await StartTlsServerAsync();
        var secure = await server.ConnectTlsAsync(_certificate.Certificate, "secure");
        await secure.JoinAsync("secure");

        using (var confused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await confused.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.TlsPort!.Value));
            await confused.SendAsync(Encoding.ASCII.GetBytes("alice\nhello\n"));
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TestChatClient.DefaultTimeout);
            // Kestrel's TLS layer gives up on a client that does not speak TLS and closes the connection.
            while (await confused.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
        }

        await secure.SendLineAsync("still here");
        await secure.ExpectLineAsync("secure: still here");
        await secure.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task TlsPortWithoutACertificateStopsTheServerAtStartUpNamingTheKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestChatServer.StartAsync("Tls:Port=0"));

        Assert.Contains("Chat:Tls:CertificatePath", failure.Message, StringComparison.Ordinal);
    }

    private Task<TestChatServer> StartTlsServerAsync() =>
        TestChatServer.StartAsync("Tls:Port=0", $"Tls:CertificatePath={_certificate.PfxPath}");
}
