using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DotNet.Testcontainers.Configurations;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Makes Testcontainers work against the local engine without any variable set by hand (CI exports nothing):
/// the daemon's own API version when it is older than Testcontainers' default 1.44 (Debian's docker.io speaks
/// 1.41), mapped ports reached over 127.0.0.1 (this process may itself run in a container, where Testcontainers
/// would otherwise pick the bridge gateway), and no Ryuk (its image is pulled from Docker Hub; the fixture removes
/// everything it creates). Values already set in the environment win.
/// </summary>
internal static class DockerTestEnvironment
{
    // Testcontainers reads these once, in static initializers: this must run before any Testcontainers type is
    // touched, so a module initializer, and a synchronous one (async work awaited here deadlocks the test host).
#pragma warning disable CA2255 // ModuleInitializer in a library: intended, the test assembly is the only user.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure()
    {
        var socketPath = LocalSocketPath();
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is null
            && socketPath is not null
            && DaemonApiVersion(socketPath) is { } api
            && api < new Version(1, 44))
        {
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", api.ToString());
        }

        // Only for a local engine: with a remote DOCKER_HOST, mapped ports live on that host, not on loopback.
        if (Environment.GetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE") is null && socketPath is not null)
        {
            Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
        }

        if (Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED") is null)
        {
            TestcontainersSettings.ResourceReaperEnabled = false;
        }
    }

    /// <summary>The engine's unix socket: DOCKER_HOST=unix://..., or the default one; null for a remote engine.</summary>
    private static string? LocalSocketPath()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(dockerHost))
        {
            return "/var/run/docker.sock";
        }

        return dockerHost.StartsWith("unix://", StringComparison.Ordinal) ? dockerHost["unix://".Length..] : null;
    }

    /// <summary>Asks the daemon for its API version over its socket, synchronously, with a 5 s bound.</summary>
    private static Version? DaemonApiVersion(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return null;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = socket.SendTimeout = 5000;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Encoding.ASCII.GetBytes("GET /version HTTP/1.0\r\nHost: docker\r\n\r\n")); // unversioned path
            using var reader = new StreamReader(new NetworkStream(socket), Encoding.UTF8);
            var response = reader.ReadToEnd();
            var body = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (body < 0)
            {
                return null;
            }

            using var json = JsonDocument.Parse(response[(body + 4)..]);
            return Version.TryParse(json.RootElement.GetProperty("ApiVersion").GetString(), out var version) ? version : null;
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
