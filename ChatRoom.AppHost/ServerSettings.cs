using Microsoft.Extensions.Configuration;

/// <summary>
/// How the AppHost runs the chat server (section <c>Server</c>): its public chat port, and whether it runs as the
/// project (the default) or as a container built from the repository's Dockerfile.
/// </summary>
internal sealed record ServerSettings(int Port, ServerSource Source, string DockerfileTarget, string? RuntimeImage, string? SdkImage)
{
    public const int DefaultPort = 55555;

    public static ServerSettings Read(IConfiguration configuration)
    {
        var port = configuration.GetValue("Server:Port", DefaultPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1, "Server:Port");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535, "Server:Port");

        var sourceText = configuration["Server:Source"] ?? nameof(ServerSource.Project);
        if (!Enum.TryParse<ServerSource>(sourceText, ignoreCase: true, out var source) || !Enum.IsDefined(source))
        {
            throw new InvalidOperationException($"Server:Source is '{sourceText}': use Project (the default) or Dockerfile.");
        }

        var target = configuration["Server:DockerfileTarget"] ?? "final";
        if (target is not ("final" or "prebuilt"))
        {
            throw new InvalidOperationException($"Server:DockerfileTarget is '{target}': use final (the default) or prebuilt.");
        }

        return new ServerSettings(port, source, target, NullIfEmpty(configuration["Server:RuntimeImage"]), NullIfEmpty(configuration["Server:SdkImage"]));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
