using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The certificate forms Chat:Tls takes (PKCS#12 with or without a password, PEM with a plain or encrypted key), and the
/// start-up error that names the key when a certificate cannot be used.
/// </summary>
public sealed class TlsCertificateTests(TlsCertificateTests.CertificateFiles files) : IClassFixture<TlsCertificateTests.CertificateFiles>
{
    public static TheoryData<string, string[]> UsableForms => new()
    {
        { "PEM certificate and key", ["CertificatePath=" + CertificateFiles.Pem, "KeyPath=" + CertificateFiles.Key] },
        { "PEM certificate and encrypted key", ["CertificatePath=" + CertificateFiles.Pem, "KeyPath=" + CertificateFiles.EncryptedKey, "Password=" + CertificateFiles.Password] },
        { "PKCS#12 with a password", ["CertificatePath=" + CertificateFiles.ProtectedPfx, "Password=" + CertificateFiles.Password] },
    };

    public static TheoryData<string, string[], string> UnusableForms => new()
    {
        { "not a certificate", ["CertificatePath=" + CertificateFiles.Garbage], "Chat:Tls:CertificatePath" },
        { "PKCS#12, wrong password", ["CertificatePath=" + CertificateFiles.ProtectedPfx, "Password=wrong"], "Chat:Tls:Password" },
        { "PKCS#12, no password", ["CertificatePath=" + CertificateFiles.ProtectedPfx], "Chat:Tls:Password" },
        { "PEM without its key", ["CertificatePath=" + CertificateFiles.Pem], "Chat:Tls:KeyPath" },
        { "PEM with another certificate's key", ["CertificatePath=" + CertificateFiles.Pem, "KeyPath=" + CertificateFiles.OtherKey], "Chat:Tls:KeyPath" },
        { "PEM with an encrypted key, no password", ["CertificatePath=" + CertificateFiles.Pem, "KeyPath=" + CertificateFiles.EncryptedKey], "Chat:Tls:Password" },
    };

    [Theory]
    [MemberData(nameof(UsableForms))]
    public async Task ServerSpeaksTlsWithTheCertificateInEachForm(string form, string[] tls)
    {
        await using var server = await TestChatServer.StartAsync(["Tls:Port=0", .. tls.Select(setting => files.Resolve("Tls:" + setting))]);
        var secure = await server.ConnectTlsAsync(files.Certificate, form);

        await secure.JoinAsync("secure");
        await secure.SendLineAsync("over tls");

        await secure.ExpectLineAsync("secure: over tls");
    }

    [Theory]
    [MemberData(nameof(UnusableForms))]
    public async Task UnusableCertificateStopsTheServerAtStartUpNamingTheKey(string form, string[] tls, string key)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => TestChatServer.StartAsync(["Tls:Port=0", .. tls.Select(setting => files.Resolve("Tls:" + setting))]));

        Assert.True(failure.Message.Contains(key, StringComparison.Ordinal), $"{form}: the message does not name {key}: {failure.Message}");
    }

    /// <summary>
    /// Self-signed certificates in every form the tests use: one for localhost and 127.0.0.1, written as PEM (plain and
    /// encrypted key) and as password-protected PKCS#12; one for elsewhere.example only; a key of neither; a file of noise.
    /// </summary>
    public sealed class CertificateFiles : IDisposable
    {
        public const string Pem = "server.pem";
        public const string Key = "server.key";
        public const string EncryptedKey = "server-encrypted.key";
        public const string ProtectedPfx = "server-protected.pfx";
        public const string OtherKey = "other.key";
        public const string Garbage = "garbage.pfx";
        public const string Password = "s3cret pass";

        private readonly string _directory = Directory.CreateTempSubdirectory("chatroom-tls-forms-").FullName;

        public CertificateFiles()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Certificate = SelfSignedCertificate.Create(key, "localhost", loopback: true);
            File.WriteAllText(Path(Pem), Certificate.ExportCertificatePem());
            File.WriteAllText(Path(Key), key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path(EncryptedKey), key.ExportEncryptedPkcs8PrivateKeyPem(
                Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
            File.WriteAllBytes(Path(ProtectedPfx), Certificate.Export(X509ContentType.Pfx, Password));

            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(Path(OtherKey), other.ExportPkcs8PrivateKeyPem());
            File.WriteAllBytes(Path(Garbage), RandomNumberGenerator.GetBytes(2048));
        }

        /// <summary>The certificate for localhost and 127.0.0.1.</summary>
        public X509Certificate2 Certificate { get; }

        public string Path(string file) => System.IO.Path.Combine(_directory, file);

        /// <summary>A <c>...Path=file</c> setting with the file's full path; other settings as they are.</summary>
        public string Resolve(string setting)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = (setting[..equals], setting[(equals + 1)..]);
            return key.EndsWith("Path", StringComparison.Ordinal) ? $"{key}={Path(value)}" : setting;
        }

        public void Dispose()
        {
            Certificate.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
