using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// The real server (ChatRoom.Server.dll, built next to the tests) as a child process on ephemeral loopback ports, for
/// what only a process of its own shows: its resident memory. Disposing kills it.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];
    private readonly TaskCompletionSource<int> _chatPort = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The chat port on 127.0.0.1.</summary>
    public int ChatPort { get; private set; }

    /// <summary>Starts the server with <paramref name="chatSettings"/> (<c>Chat:*</c> overrides without the prefix).</summary>
    public static Task<ServerProcess> StartAsync(params string[] chatSettings) => StartWithAsync([], chatSettings);

    /// <summary>Starts the server with host settings beside the <c>Chat:*</c> ones, e.g. <c>"--ConnectionStrings:redis=…"</c>.</summary>
    public static async Task<ServerProcess> StartWithAsync(string[] hostSettings, params string[] chatSettings)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "ChatRoom.Server.dll");
        Assert.True(File.Exists(serverDll), $"the server is not built next to the tests: {serverDll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        string[] arguments =
        [
            serverDll,
            "--Chat:Host=127.0.0.1",
            "--Chat:Port=0",
            "--Chat:HttpPort=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            .. hostSettings,
            .. chatSettings.Select(setting => "--Chat:" + setting),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("the server did not start"));
        try
        {
            server.ChatPort = await server._chatPort.Task.WaitAsync(StartTimeout);
            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            Assert.Fail($"the server did not listen within {StartTimeout.TotalSeconds} s:\n{server.Output}");
            throw;
        }
    }

    /// <summary>The server's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>What the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Waits until the server has printed a line containing <paramref name="text"/>; fails with its output after <paramref name="timeout"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.Exists(line => line.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            _awaited.Add((text, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the server did not print '{text}' within {timeout.TotalSeconds} s:\n{Output}");
        }
    }

    /// <summary>Ends the server at once with SIGKILL, as a crash or an OOM kill does: it says nothing to anyone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            foreach (var (text, seen) in _awaited.Where(awaited => line.Contains(awaited.Text, StringComparison.Ordinal)))
            {
                seen.TrySetResult();
            }
        }

        // Kestrel binds the chat listener first: its address is the first one the host announces.
        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _chatPort.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Now listening on: \S+:(\d+)$")]
    private static partial Regex ListeningOn();
}
