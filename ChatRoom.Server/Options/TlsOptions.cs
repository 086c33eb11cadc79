using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatRoom.Server.Options;

/// <summary>
/// <c>Chat:Tls</c>: a second chat endpoint secured with TLS, beside the plaintext one. Off unless <see cref="Port"/>
/// is set. The certificate is a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>, with <see cref="Password"/> if it has one),
/// or a PEM certificate with its PEM private key in <see cref="KeyPath"/> (as <c>dotnet dev-certs https --format Pem</c>
/// exports them).
/// </summary>
public sealed class TlsOptions : IValidatableObject
{
    /// <summary>The TLS chat port; unset turns TLS off, 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int? Port { get; set; }

    public string? CertificatePath { get; set; }

    public string? KeyPath { get; set; }

    public string? Password { get; set; }

    public bool Enabled => Port is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            yield return new ValidationResult("Chat:Tls:Port is set, so Chat:Tls:CertificatePath must name the server certificate",
                [nameof(CertificatePath)]);
        }
        else if (!File.Exists(CertificatePath))
        {
            yield return new ValidationResult($"Chat:Tls:CertificatePath: no such file '{CertificatePath}'", [nameof(CertificatePath)]);
        }

        if (!string.IsNullOrWhiteSpace(KeyPath) && !File.Exists(KeyPath))
        {
            yield return new ValidationResult($"Chat:Tls:KeyPath: no such file '{KeyPath}'", [nameof(KeyPath)]);
            yield break;
        }

        if (File.Exists(CertificatePath) && CertificateProblem() is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(CertificatePath)]);
        }
    }

    /// <summary>
    /// The certificate, with its private key. A file that cannot be read or parsed, a wrong password or a key that does
    /// not belong to the certificate throws <see cref="InvalidOperationException"/> whose message names the keys to mend.
    /// </summary>
    public X509Certificate2 LoadCertificate()
    {
        var path = CertificatePath ?? throw new InvalidOperationException("Chat:Tls:CertificatePath is not set");
        var pem = !string.IsNullOrWhiteSpace(KeyPath);
        try
        {
            if (pem)
            {
                return string.IsNullOrEmpty(Password)
                    ? X509Certificate2.CreateFromPemFile(path, KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, Password, KeyPath);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, Password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var what = pem
                ? $"Chat:Tls:CertificatePath '{path}' with Chat:Tls:KeyPath '{KeyPath}' (and Chat:Tls:Password, for an encrypted key) give no PEM certificate and private key"
                : $"Chat:Tls:CertificatePath '{path}' (with Chat:Tls:Password, when it has one) gives no PKCS#12 certificate; a PEM certificate needs Chat:Tls:KeyPath";
            throw new InvalidOperationException($"{what}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Why the files give no usable certificate, naming the keys; null when they do. Loaded at start-up, with the other
    /// options, so that a wrong password or a damaged file stops the server with the configuration errors rather than
    /// later, in Kestrel, as an exception that names no key.
    /// </summary>
    private string? CertificateProblem()
    {
        try
        {
            using var certificate = LoadCertificate();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
