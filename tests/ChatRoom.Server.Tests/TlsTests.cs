using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Tests;

/// <summary>The optional TLS chat endpoint (Chat:Tls): one room with the plaintext port, and the console client's --tls.</summary>
public sealed class TlsTests : IClassFixture<TlsTests.SelfSignedCertificate>
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
    public async Task ConsoleClientJoinsOverTlsWhenTrustingTheServersCertificate()
    {
        await using var server = await StartTlsServerAsync();
        var alice = await server.JoinAsync("alice");

        var result = await ClientProcess.RunAsync(server.TlsPort!.Value, ["hello, encrypted"],
            "--nick", "bob", "--tls", "--tls-trust", _certificate.PemPath);

        result.AssertExitCode(0);
        result.AssertPrinted("bob joined the chat!", "bob: hello, encrypted");
        await alice.ExpectLinesAsync("bob joined the chat!", "bob: hello, encrypted", "bob left the chat!");
    }

    [Fact]
    public async Task ConsoleClientRefusesAnUntrustedCertificateAndSaysHowToTrustIt()
    {
        await using var server = await StartTlsServerAsync();
        var alice = await server.JoinAsync("alice");

        var result = await ClientProcess.RunAsync(server.TlsPort!.Value, ["hello"], "--nick", "bob", "--tls");

        result.AssertExitCode(1);
        Assert.True(result.Stderr.Contains("TLS", StringComparison.Ordinal) && result.Stderr.Contains("--tls-trust", StringComparison.Ordinal),
            $"the refusal does not explain itself.{result.Description}");
        await alice.ExpectNothingPendingAsync();
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

    /// <summary>A self-signed server certificate for localhost and 127.0.0.1, as PKCS#12 for the server and PEM for the client.</summary>
    public sealed class SelfSignedCertificate : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("chatroom-tls-").FullName;

        public SelfSignedCertificate()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            PfxPath = Path.Combine(_directory, "server.pfx");
            PemPath = Path.Combine(_directory, "server.pem");
            File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pfx));
            File.WriteAllText(PemPath, Certificate.ExportCertificatePem());
        }

        public X509Certificate2 Certificate { get; }

        public string PfxPath { get; }

        public string PemPath { get; }

        public void Dispose()
        {
            Certificate.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
