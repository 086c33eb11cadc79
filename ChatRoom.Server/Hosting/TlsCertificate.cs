using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatRoom.Server.Options;

namespace ChatRoom.Server.Hosting;

/// <summary>Loads the TLS endpoint's certificate from the files <see cref="TlsOptions"/> names.</summary>
public static class TlsCertificate
{
    /// <summary>
    /// The certificate, with its private key. A file that cannot be read or parsed, a wrong password or a key that does
    /// not belong to the certificate throws <see cref="InvalidOperationException"/> whose message names the keys to mend.
    /// </summary>
    public static X509Certificate2 Load(TlsOptions tls)
    {
        var path = tls.CertificatePath ?? throw new InvalidOperationException("Chat:Tls:CertificatePath is not set");
        var pem = !string.IsNullOrWhiteSpace(tls.KeyPath);
        try
        {
            if (pem)
            {
                return string.IsNullOrEmpty(tls.Password)
                    ? X509Certificate2.CreateFromPemFile(path, tls.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, tls.Password, tls.KeyPath);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, tls.Password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var what = pem
                ? $"Chat:Tls:CertificatePath '{path}' with Chat:Tls:KeyPath '{tls.KeyPath}' (and Chat:Tls:Password, for an encrypted key) give no PEM certificate and private key"
                : $"Chat:Tls:CertificatePath '{path}' (with Chat:Tls:Password, when it has one) gives no PKCS#12 certificate; a PEM certificate needs Chat:Tls:KeyPath";
            throw new InvalidOperationException($"{what}: {e.Message}", e);
        }
    }
}
