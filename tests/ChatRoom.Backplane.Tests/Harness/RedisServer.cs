using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatRoom.Backplane.Tests.Harness;

/// <summary>
/// Debian's redis-server as a child process on an ephemeral loopback port, with its data in a folder of its own that
/// outlives a stop (append-only file, every write synced), so a test can stop Redis and start it again with what it
/// had accepted. Disposing kills it and removes the folder.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>Where redis-server is installed, or null.</summary>
    public static string? Executable { get; } =
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public int Port { get; }

    /// <summary>What <c>ConnectionStrings:redis</c> is set to.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("chatroom-redis-").FullName;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var redis = new RedisServer(directory, port);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts Redis (again) on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("redis-server is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", $"{Port}", "--bind", "127.0.0.1", "--dir", _directory, "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--logfile", "",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.Add(e.Data ?? string.Empty);
            }

            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            lock (output)
            {
                Assert.Fail($"redis-server did not accept connections within {StartTimeout.TotalSeconds} s:\n{string.Join('\n', output)}");
            }
        }
    }

    /// <summary>Stops Redis the way an operator does (<c>redis-cli shutdown</c>): it finishes its append-only file and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await client.GetStream().WriteAsync("*1\r\n$8\r\nSHUTDOWN\r\n"u8.ToArray());
                await process.WaitForExitAsync().WaitAsync(StartTimeout);
            }

            process.Dispose();
            _process = null;
        }
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
