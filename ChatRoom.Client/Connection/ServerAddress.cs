using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ChatRoom.Client.Connection;

/// <summary>Where the chat server listens, and whether to speak TLS to it.</summary>
public sealed record ServerAddress(string Host, int Port)
{
    /// <summary>Null for plaintext.</summary>
    public TlsTrust? Tls { get; init; }

    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 55555;

    /// <summary>
    /// The first of: <c>--host</c>/<c>--port</c>; <c>Chat:Host</c>/<c>Chat:Port</c> (appsettings, or the environment
    /// as <c>Chat__Host</c>); the endpoint Aspire injects for a reference to the server's <c>tcp</c> endpoint
    /// (<c>services__server__tcp__0</c> or <c>SERVER_TCP</c>, a <c>tcp://host:port</c> URI); 127.0.0.1:55555.
    /// </summary>
    public static ServerAddress Resolve(string? host, int? port, IConfiguration configuration)
    {
        var aspire = AspireReference(configuration);
        var resolvedHost = host ?? NonEmpty(configuration["Chat:Host"]) ?? aspire?.Host ?? DefaultHost;
        var resolvedPort = port ?? ConfiguredPort(configuration) ?? aspire?.Port ?? DefaultPort;
        return new ServerAddress(resolvedHost, resolvedPort);
    }

    public override string ToString()
    {
        var endpoint = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
        return Tls is null ? endpoint : $"tls://{endpoint}";
    }

    private static ServerAddress? AspireReference(IConfiguration configuration)
    {
        var value = NonEmpty(configuration["services:server:tcp:0"]) ?? NonEmpty(configuration["SERVER_TCP"]);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Port is > 0 and <= 65535
            ? new ServerAddress(uri.DnsSafeHost, uri.Port)
            : null;
    }

    private static int? ConfiguredPort(IConfiguration configuration)
    {
        if (NonEmpty(configuration["Chat:Port"]) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"Chat:Port is '{text}': it must be a port number between 1 and 65535");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
