using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// The host-side <c>dotnet publish</c> that an image's <c>prebuilt</c> target packages, with the arguments of
/// docs/containers.md (and of the Dockerfiles' build stages). <see cref="EnsureCurrentAsync"/> runs it when the output
/// is missing or older than any of its sources, and streams its output as progress.
/// </summary>
internal sealed record HostPublish(string Name, string Executable, string[] SourceDirectories, string[] Arguments)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly string[] SharedSources = ["ChatRoom.Protocol", "ChatRoom.ServiceDefaults", "global.json", "Directory.Build.props", "Directory.Packages.props"];

    /// <summary>Native AOT: the project file says so, and the publish links with clang or gcc.</summary>
    public static readonly HostPublish Server = new("server", "ChatRoom.Server", ["ChatRoom.Server", .. SharedSources],
        ["ChatRoom.Server/ChatRoom.Server.csproj", "-c", "Release", "-r", RuntimeIdentifier, "-o", "artifacts/server"]);

    /// <summary>Self-contained and trimmed: the client image's base holds no .NET runtime.</summary>
    public static readonly HostPublish Client = new("client", "ChatRoom.Client", ["ChatRoom.Client", .. SharedSources],
        ["ChatRoom.Client/ChatRoom.Client.csproj", "-c", "Release", "-r", RuntimeIdentifier, "--self-contained", "-p:PublishTrimmed=true", "-o", "artifacts/client"]);

    /// <summary>The images run on this machine's engine, so they are built for its architecture (linux-x64 on x64).</summary>
    private static string RuntimeIdentifier => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    public async Task EnsureCurrentAsync(string repositoryRoot, MessageSinkLogger log, CancellationToken ct)
    {
        var output = Path.Combine(repositoryRoot, "artifacts", Name);
        var executable = new FileInfo(Path.Combine(output, Executable));
        var newestSource = NewestSource(repositoryRoot);
        if (executable.Exists && executable.LastWriteTimeUtc >= newestSource.LastWriteTimeUtc)
        {
            log.Report($"artifacts/{Name} is current (published {executable.LastWriteTime:yyyy-MM-dd HH:mm:ss})");
            return;
        }

        log.Report(executable.Exists
            ? $"publishing the {Name} into artifacts/{Name}: {Path.GetRelativePath(repositoryRoot, newestSource.FullName)} is newer than the last publish"
            : $"publishing the {Name} into artifacts/{Name}: it is missing");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true); // an interrupted publish must never pass for a complete one
        }

        var stopwatch = Stopwatch.StartNew();
        await RunAsync(repositoryRoot, log, ct);
        if (!File.Exists(executable.FullName))
        {
            throw new InvalidOperationException($"dotnet publish of the {Name} succeeded, but {executable.FullName} is missing");
        }

        log.Report($"published the {Name} in {stopwatch.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>The command line as a user would type it, for messages.</summary>
    public string CommandLine => "dotnet publish " + string.Join(' ', Arguments);

    private async Task RunAsync(string repositoryRoot, MessageSinkLogger log, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Minimal verbosity without the live terminal logger: one line per step, as progress. No build servers: they
        // would outlive the publish and keep its output pipes open.
        foreach (var argument in (string[])["publish", .. Arguments, "-v", "minimal", "-tl:off", "-nologo", "--disable-build-servers"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        log.Report($"running: {CommandLine}");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {CommandLine}");
        var tail = new Queue<string>();
        async Task Relay(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                log.Report($"publish {Name}: {line.Trim()}");
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > 40)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }

        var relays = Task.WhenAll(Relay(process.StandardOutput), Relay(process.StandardError));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await relays;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{CommandLine} did not finish within {Timeout.TotalMinutes:0} minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{CommandLine} failed with exit code {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
        }
    }

    /// <summary>The most recently written file among the sources, leaving out build output (bin/, obj/).</summary>
    private FileInfo NewestSource(string repositoryRoot)
    {
        var files = SourceDirectories.SelectMany(source =>
        {
            var path = Path.Combine(repositoryRoot, source);
            return File.Exists(path)
                ? [new FileInfo(path)]
                : new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
                    .Where(file => !Path.GetRelativePath(path, file.FullName).Split(Path.DirectorySeparatorChar)
                        .Any(part => part is "bin" or "obj"));
        });
        return files.MaxBy(file => file.LastWriteTimeUtc) ?? throw new InvalidOperationException($"no sources of the {Name} under {repositoryRoot}");
    }
}
