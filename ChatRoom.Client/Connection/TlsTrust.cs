using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ChatRoom.Client.Connection;

/// <summary>
/// How the client judges the server's TLS certificate: the system's trust store, plus the certificates of
/// <c>--tls-trust</c> (a self-signed or development certificate, or the CA that issued the server's) as extra roots.
/// The host name is always checked.
/// </summary>
public sealed class TlsTrust
{
    private readonly X509Certificate2Collection _roots = [];

    /// <param name="trustedCertificatePath">A PEM file (one or more certificates) or a DER certificate; null for the system store alone.</param>
    public TlsTrust(string? trustedCertificatePath)
    {
        if (trustedCertificatePath is null)
        {
            return;
        }

        var text = File.ReadAllText(trustedCertificatePath);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            _roots.ImportFromPem(text);
        }
        else
        {
            _roots.Add(X509CertificateLoader.LoadCertificateFromFile(trustedCertificatePath));
        }
    }

    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        RemoteCertificateValidationCallback = Validate,
    };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain can be forgiven, and only by the roots given: never a wrong name or no certificate.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _roots.Count == 0 || certificate is not X509Certificate2 server)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(server);
    }
}
