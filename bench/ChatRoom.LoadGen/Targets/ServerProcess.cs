using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// A server the generator started itself, so that it knows its PID: <see cref="Sample"/> reads its CPU and memory,
/// <see cref="Exited"/> tells the run it is over, and disposing kills it (on Ctrl+C too) and removes its files.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 10;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly ITarget _target;
    private readonly int _port;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastOutput = new();

    private ServerProcess(ITarget target, int port, Process process)
    {
        _target = target;
        _port = port;
        _process = process;
        Exited = process.WaitForExitAsync();
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Completes when the server process ends, whoever ended it.</summary>
    public Task Exited { get; }

    /// <summary>Starts <paramref name="target"/> on <paramref name="port"/> and waits until the port accepts connections.</summary>
    public static async Task<ServerProcess> StartAsync(ITarget target, int port, int maxConnections, CancellationToken cancellationToken)
    {
        var info = target.CreateStartInfo(port, maxConnections);
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var server = new ServerProcess(target, port, Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start"));
        try
        {
            await server.WaitUntilListeningAsync(port, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ProcessSample Sample() => ProcessSample.Read(Id);

    /// <summary>The exit code once the process has ended.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Asks the server to stop as <c>kill -TERM</c>, <c>docker stop</c> and systemd do.</summary>
    public void Terminate()
    {
        if (NativeMethods.Kill(Id, NativeMethods.SigTerm) != 0)
        {
            throw new RunFailedException($"kill -TERM {Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>How the server ended, with the last lines it printed.</summary>
    public string DescribeExit()
    {
        var output = string.Join(" | ", _lastOutput);
        return $"{_target.Name} exited with code {_process.ExitCode}" + (output.Length > 0 ? $": {output}" : string.Empty);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
        _target.CleanUp(_port);
    }

    /// <summary>
    /// Polls the kernel's socket table rather than connecting: a probe connection is not free of side effects
    /// (ncat --chat quits when a client is gone before it has looked at it).
    /// </summary>
    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        // /proc/net/tcp: "sl local_address rem_address st ...", addresses as hex "0100007F:D903", LISTEN is state 0A.
        var local = string.Create(CultureInfo.InvariantCulture, $"0100007F:{port:X4}");
        while (!File.ReadLines("/proc/net/tcp").Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var address, _, "0A", ..] && address == local))
        {
            if (_process.HasExited)
            {
                throw new RunFailedException(DescribeExit());
            }

            await Task.Delay(ProbeInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _lastOutput.Enqueue(line.Trim());
        while (_lastOutput.Count > KeptOutputLines && _lastOutput.TryDequeue(out _))
        {
        }
    }
}

internal static class NativeMethods
{
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
}
