using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>
/// The AppHost running as `dotnet run --project ChatRoom.AppHost` runs it: its built executable with the environment
/// of its <c>http</c> launch profile, except that every port is a free one (the dashboard's, its OTLP and resource
/// service endpoints, the chat port through Server:Port), so it runs beside a person's own AppHost. The dashboard's
/// address is read the way a person reads it: from the "Login to the dashboard at" line of its console output.
/// </summary>
public sealed partial class AppHostRun : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostRun(Process process, int chatPort)
    {
        _process = process;
        ChatPort = chatPort;
    }

    /// <summary>The public chat port (Aspire's proxy in front of the server).</summary>
    public int ChatPort { get; }

    /// <summary>The login link the console printed.</summary>
    public Uri LoginUrl => _login.Task.IsCompletedSuccessfully ? _login.Task.Result : throw new InvalidOperationException("No login link yet.");

    /// <summary>The built AppHost of the configuration these tests were built in (CI: Release).</summary>
    public static string ExecutablePath { get; } = Path.Combine(RepositoryPaths.Root, "ChatRoom.AppHost", "bin",
        typeof(AppHostRun).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0", "ChatRoom.AppHost");

    /// <summary>Starts the AppHost and waits for its login line; <paramref name="arguments"/> are settings such as <c>--Simulator:Replicas 3</c>.</summary>
    public static async Task<AppHostRun> StartAsync(ProgressLog log, TimeSpan timeout, params string[] arguments)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No AppHost at {ExecutablePath}: build the solution first (dotnet build ChatRoom.sln).");
        }

        var chatPort = FreePort();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Concat(["--Server:Port", chatPort.ToString(CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        // ChatRoom.AppHost/Properties/launchSettings.json, profile "http", on free ports.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        log.Report($"starting the AppHost: {ExecutablePath} {string.Join(' ', start.ArgumentList)}");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var run = new AppHostRun(process, chatPort);
        process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => run.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(run._login.Task, exited).WaitAsync(timeout);
            if (first == exited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {process.ExitCode} before printing its login link:\n{run.Output()}");
            }

            log.Report($"the AppHost's console says: Login to the dashboard at {run.LoginUrl}");
            return run;
        }
        catch (TimeoutException)
        {
            await run.DisposeAsync();
            throw new TimeoutException($"No login link from the AppHost within {timeout.TotalSeconds:0} s:\n{run.Output()}");
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>The console output so far, for failure messages.</summary>
    public string Output() => string.Join('\n', _output);

    /// <summary>Stops it as Ctrl+C does (SIGTERM to the AppHost, which stops every resource), then waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (LoginLine().Match(line) is { Success: true } login)
        {
            _login.TrySetResult(new Uri(login.Groups["url"].Value));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Login to the dashboard at (?<url>http\S+)")]
    private static partial Regex LoginLine();
}
