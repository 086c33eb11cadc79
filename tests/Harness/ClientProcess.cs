using System.Diagnostics;
using System.Text;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// The real console client (ChatRoom.Client.dll, copied next to the tests) as a child process: standard input
/// redirected (so it runs in piped mode unless told <c>--simulate</c>), standard output and error captured, and a
/// bounded wait for its exit that kills it when the time is up.
/// </summary>
public sealed class ClientProcess : IDisposable
{
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private readonly StringBuilder _sent = new();

    private ClientProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <c>dotnet ChatRoom.Client.dll --host 127.0.0.1 --port <paramref name="port"/> <paramref name="arguments"/></c>.</summary>
    public static ClientProcess Start(int port, params string[] arguments)
    {
        var clientDll = Path.Combine(AppContext.BaseDirectory, "ChatRoom.Client.dll");
        Assert.True(File.Exists(clientDll), $"the console client is not built next to the tests: {clientDll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // No byte order mark in front of the first line: it may be the nickname.
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in (string[])[clientDll, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        return new ClientProcess(Process.Start(start) ?? throw new InvalidOperationException("the client did not start"));
    }

    /// <summary>Runs the client with <paramref name="inputLines"/> as its whole standard input.</summary>
    public static async Task<ClientProcessResult> RunAsync(int port, string[] inputLines, params string[] arguments)
    {
        using var client = Start(port, arguments);
        foreach (var line in inputLines)
        {
            await client.WriteLineAsync(line);
        }

        return await client.EndInputAndWaitForExitAsync();
    }

    public async Task WriteLineAsync(string line)
    {
        _sent.Append(line).Append('\n');
        try
        {
            await _process.StandardInput.WriteAsync(line + "\n");
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // It already exited; the exit code and output will say why.
        }
    }

    /// <summary>Closes standard input and waits (bounded) for the client to exit by itself.</summary>
    public async Task<ClientProcessResult> EndInputAndWaitForExitAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It already exited.
        }

        return await WaitForExitAsync("the end of its input");
    }

    private async Task<ClientProcessResult> WaitForExitAsync(string after)
    {
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Assert.Fail($"the client did not exit within {ExitTimeout.TotalSeconds} s after {after}.{await DescribeAsync()}");
        }

        var stdout = (await _stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
        return new ClientProcessResult(_process.ExitCode, stdout, await _stderr, await DescribeAsync());
    }

    /// <summary>Waits (bounded) for the client to exit by itself, its input still open.</summary>
    public Task<ClientProcessResult> WaitForExitWithInputOpenAsync() => WaitForExitAsync("the server went away");

    /// <summary>Sends SIGTERM, as <c>docker stop</c> or a service manager would, and waits (bounded) for the client to exit.</summary>
    public async Task<ClientProcessResult> TerminateAndWaitForExitAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync("SIGTERM");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task<string> DescribeAsync() =>
        $"\nstdin:\n{_sent}\nstdout:\n{await _stdout}\nstderr:\n{await _stderr}";
}
