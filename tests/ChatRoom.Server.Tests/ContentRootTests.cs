using System.Diagnostics;
using System.Text.RegularExpressions;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>The built server, started as a process from another folder, reads the appsettings.json beside it.</summary>
public sealed partial class ContentRootTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServerStartedFromAnotherFolderReadsTheSettingsBesideIt()
    {
        var installed = Directory.CreateTempSubdirectory("chatroom-installed-");
        var elsewhere = Directory.CreateTempSubdirectory("chatroom-elsewhere-");
        try
        {
            // The built server, as an installation: its files, with settings of its own (free ports, start-up lines logged).
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
            {
                File.Copy(file, Path.Combine(installed.FullName, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(installed.FullName, "appsettings.json"),
                """{ "Logging": { "LogLevel": { "Default": "Warning", "Microsoft.Hosting.Lifetime": "Information" } }, "Chat": { "Port": 0, "HttpPort": 0 } }""");
            File.Delete(Path.Combine(installed.FullName, "appsettings.Benchmark.json"));
            // Settings in the working directory that would stop the server if it read them.
            await File.WriteAllTextAsync(Path.Combine(elsewhere.FullName, "appsettings.json"), """{ "Chat": { "MaxLineBytes": 1 } }""");

            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = elsewhere.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(installed.FullName, "ChatRoom.Server.dll"));
            foreach (var name in (string[])["ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "OTEL_EXPORTER_OTLP_ENDPOINT"])
            {
                start.Environment.Remove(name);
            }

            using var server = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
            try
            {
                var chatPort = await ReadFirstListeningPortAsync(server);

                using var client = await TestChatClient.ConnectAsync(chatPort, "client");
                await client.JoinAsync("alice");
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            installed.Delete(recursive: true);
            elsewhere.Delete(recursive: true);
        }
    }

    /// <summary>The chat port: Kestrel logs "Now listening on" for each address, the chat listener's first.</summary>
    private static async Task<int> ReadFirstListeningPortAsync(Process server)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var seen = new List<string>();
        try
        {
            while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.Add(line);
                if (ListeningOn().Match(line) is { Success: true } match)
                {
                    return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        var errors = server.HasExited ? await server.StandardError.ReadToEndAsync(CancellationToken.None) : "";
        Assert.Fail($"the server printed no listening address.\nstdout:\n{string.Join('\n', seen)}\nstderr:\n{errors}");
        return 0;
    }

    [GeneratedRegex(@"Now listening on: \S+:(\d+)$")]
    private static partial Regex ListeningOn();
}
