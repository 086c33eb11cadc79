using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// A self-signed server certificate in a temporary folder, as PKCS#12 for the server (<c>Chat:Tls:CertificatePath</c>)
/// and as PEM for a client to trust (<c>--tls-trust</c>): by default for localhost and 127.0.0.1.
/// </summary>
public sealed class SelfSignedCertificate : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatroom-tls-").FullName;

    public SelfSignedCertificate()
        : this("localhost", loopback: true)
    {
    }

    // One public constructor: xUnit builds class fixtures with it.
    private SelfSignedCertificate(string hostName, bool loopback)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Certificate = Create(key, hostName, loopback);
        PfxPath = Path.Combine(_directory, "server.pfx");
        PemPath = Path.Combine(_directory, "server.pem");
        File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pfx));
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem());
    }

    public X509Certificate2 Certificate { get; }

    public string PfxPath { get; }

    public string PemPath { get; }

    /// <summary>A certificate for <paramref name="hostName"/> alone, not for 127.0.0.1.</summary>
    public static SelfSignedCertificate ForHost(string hostName) => new(hostName, loopback: false);

    /// <summary>A server certificate for <paramref name="hostName"/> (and 127.0.0.1 when <paramref name="loopback"/>), valid for a day.</summary>
    public static X509Certificate2 Create(ECDsa key, string hostName, bool loopback)
    {
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        if (loopback)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
