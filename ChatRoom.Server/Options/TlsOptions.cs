using System.ComponentModel.DataAnnotations;
using ChatRoom.Server.Hosting;

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
    /// Why the files give no usable certificate, naming the keys; null when they do. Loaded here, at start-up, so that a
    /// wrong password or a damaged file stops the server with the other configuration errors rather than later, in
    /// Kestrel, as an exception that names no key.
    /// </summary>
    private string? CertificateProblem()
    {
        try
        {
            using var certificate = TlsCertificate.Load(this);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
