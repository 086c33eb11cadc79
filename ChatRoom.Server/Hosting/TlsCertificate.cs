using System.Security.Cryptography.X509Certificates;
using ChatRoom.Server.Options;

namespace ChatRoom.Server.Hosting;

/// <summary>Loads the TLS endpoint's certificate from the files <see cref="TlsOptions"/> names.</summary>
public static class TlsCertificate
{
    public static X509Certificate2 Load(TlsOptions tls)
    {
        var path = tls.CertificatePath ?? throw new InvalidOperationException("Chat:Tls:CertificatePath is not set");
        if (!string.IsNullOrWhiteSpace(tls.KeyPath))
        {
            return string.IsNullOrEmpty(tls.Password)
                ? X509Certificate2.CreateFromPemFile(path, tls.KeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, tls.Password, tls.KeyPath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, tls.Password);
    }
}
