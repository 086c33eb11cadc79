using ChatRoom.Tests.Harness;

namespace ChatRoom.Client.Tests;

/// <summary>
/// The console client's <c>--tls</c> against the real server's TLS port: it joins when it trusts the server's
/// certificate (<c>--tls-trust</c>), and otherwise refuses, saying it is TLS's refusal, without a word reaching the room.
/// </summary>
public sealed class TlsClientTests(TlsClientTests.Certificates certificates) : IClassFixture<TlsClientTests.Certificates>
{
    [Fact]
    public async Task JoinsOverTlsWhenTrustingTheServersCertificate()
    {
        await using var server = await StartTlsServerAsync(certificates.Localhost);
        var alice = await server.JoinAsync("alice");

        var result = await ClientProcess.RunAsync(server.TlsPort!.Value, ["hello, encrypted"],
            "--nick", "bob", "--tls", "--tls-trust", certificates.Localhost.PemPath);

        result.AssertExitCode(0);
        result.AssertPrinted("bob joined the chat!", "bob: hello, encrypted");
        await alice.ExpectLinesAsync("bob joined the chat!", "bob: hello, encrypted", "bob left the chat!");
    }

    [Fact]
    public async Task RefusesAnUntrustedCertificateAndSaysHowToTrustIt()
    {
        await using var server = await StartTlsServerAsync(certificates.Localhost);
        var alice = await server.JoinAsync("alice");

        var result = await ClientProcess.RunAsync(server.TlsPort!.Value, ["hello"], "--nick", "bob", "--tls");

        result.AssertExitCode(1);
        Assert.True(result.Stderr.Contains("TLS", StringComparison.Ordinal) && result.Stderr.Contains("--tls-trust", StringComparison.Ordinal),
            $"the refusal does not explain itself.{result.Description}");
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task RefusesACertificateForAnotherHostEvenWhenTrustingIt()
    {
        await using var server = await StartTlsServerAsync(certificates.Elsewhere);
        var alice = await server.JoinAsync("alice");

        // Trusted as a root, but issued to elsewhere.example, not to the 127.0.0.1 the client dials.
        var result = await ClientProcess.RunAsync(server.TlsPort!.Value, ["hello"],
            "--nick", "bob", "--tls", "--tls-trust", certificates.Elsewhere.PemPath);

        result.AssertExitCode(1);
        Assert.True(result.Stderr.Contains("TLS", StringComparison.Ordinal), $"the refusal does not say it is TLS's.{result.Description}");
        await alice.ExpectNothingPendingAsync();
    }

    private static Task<TestChatServer> StartTlsServerAsync(SelfSignedCertificate certificate) =>
        TestChatServer.StartAsync("Tls:Port=0", $"Tls:CertificatePath={certificate.PfxPath}");

    /// <summary>The server's certificate for localhost and 127.0.0.1, and one issued to elsewhere.example only.</summary>
    public sealed class Certificates : IDisposable
    {
        public SelfSignedCertificate Localhost { get; } = new();

        public SelfSignedCertificate Elsewhere { get; } = SelfSignedCertificate.ForHost("elsewhere.example");

        public void Dispose()
        {
            Localhost.Dispose();
            Elsewhere.Dispose();
        }
    }
}
