using System.Diagnostics;
using System.Text;

namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>
/// The offline compose stack (docker-compose.yml + docker-compose.offline.yml: server, three simulators and the local
/// dashboard image) brought up as docs/containers.md says, under a project name of its own, from the images already
/// built (`bash .ci/containers` builds them), and taken down with everything it made.
/// </summary>
public sealed class ComposeRun : IAsyncDisposable
{
    public const string ProjectName = "chatroom-dashboard-tests";

    /// <summary>The images the stack runs: docker-compose.yml's two, and docker-compose.offline.yml's dashboard.</summary>
    private static readonly string[] Images = ["chatroom-server", "chatroom-client", "chatroom-aspire-dashboard:13.6"];

    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan DownTimeout = TimeSpan.FromMinutes(1);

    private readonly string[] _compose;
    private readonly ProgressLog _log;

    private ComposeRun(string[] compose, ProgressLog log)
    {
        _compose = compose;
        _log = log;
    }

    /// <summary>Why the stack cannot run here, with the command that provides what is missing; null when it can.</summary>
    public static async Task<string?> FindSkipReasonAsync()
    {
        const string Fix = "`sudo bash .ci/containers` installs and starts Docker and builds the images";
        if (await RunAsync(["docker", "info"], TimeSpan.FromSeconds(30)) is not { ExitCode: 0 })
        {
            return $"no Docker engine answers (docker info failed). {Fix}.";
        }

        if (await FindComposeAsync() is null)
        {
            return $"neither `docker compose` nor `docker-compose` is installed. {Fix}.";
        }

        foreach (var image in Images)
        {
            if (await RunAsync(["docker", "image", "inspect", image], TimeSpan.FromSeconds(30)) is not { ExitCode: 0 })
            {
                return $"the image {image} is missing. {Fix} (the dashboard's: docker/build-local-dashboard.sh).";
            }
        }

        return null;
    }

    public static async Task<ComposeRun> UpAsync(ProgressLog log)
    {
        var compose = await FindComposeAsync() ?? throw new InvalidOperationException("No compose command.");
        var run = new ComposeRun(compose, log);
        try
        {
            // --no-build: the images are there; `up` returns once the simulators started after the server's health check.
            await run.ComposeAsync(UpTimeout, "up", "-d", "--no-build");
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await ComposeAsync(DownTimeout, "down", "--remove-orphans", "--timeout", "10");

    private async Task ComposeAsync(TimeSpan timeout, params string[] arguments)
    {
        string[] command = [.. _compose, "-p", ProjectName, "-f", "docker-compose.yml", "-f", "docker-compose.offline.yml", .. arguments];
        _log.Report($"running: {string.Join(' ', command)}");
        var result = await RunAsync(command, timeout, _log) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} exited with {result.ExitCode}:\n{result.Output}");
        }
    }

    /// <summary>`docker compose` (v2) if it answers, else Debian's `docker-compose` (v1), else null.</summary>
    private static async Task<string[]?> FindComposeAsync()
    {
        if (await RunAsync(["docker", "compose", "version"], TimeSpan.FromSeconds(30)) is { ExitCode: 0 })
        {
            return ["docker", "compose"];
        }

        return await RunAsync(["docker-compose", "version"], TimeSpan.FromSeconds(30)) is { ExitCode: 0 } ? ["docker-compose"] : null;
    }

    /// <summary>Runs a command in the repository root; each output line goes to <paramref name="log"/> as it comes. Null if it cannot start.</summary>
    private static async Task<(int ExitCode, string Output)?> RunAsync(string[] command, TimeSpan timeout, ProgressLog? log = null)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }

        using (process)
        {
            var output = new StringBuilder();
            void OnLine(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (output)
                {
                    output.AppendLine(line);
                }

                log?.Report($"  {line}");
            }

            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{string.Join(' ', command)} did not finish within {timeout.TotalSeconds:0} s:\n{output}");
            }

            return (process.ExitCode, output.ToString());
        }
    }
}
