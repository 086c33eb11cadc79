using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.LoadGen.Load;
using ChatRoom.Protocol.Events;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// ChatRoom, from its built dll. Limits are raised so that the generator, not a guard rail, is the only client:
/// every connection comes from loopback, senders go faster than the flood gate's defaults, and 10,000 clients
/// join one after another while the handshake timer runs. Telemetry stays on as in production.
/// </summary>
/// <param name="serverPath">The built server: ChatRoom.Server.dll, run with <c>dotnet</c>, or a native executable (Native AOT).</param>
/// <param name="defaultFloodControl">Leave the flood gate at the server's defaults (the flood campaign measures it).</param>
public sealed class ChatRoomTarget(string serverPath, bool defaultFloodControl = false) : ITarget
{
    public string Name => "chatroom";

    public bool EchoesToSender => true;

    // Kestrel listens with a backlog of 512. Joining many at once also lets join announcements batch up in each
    // outbox: 10,000 joins owe 50 million of them, and one flush per announcement would take many minutes.
    public int ParallelJoins => 128;

    /// <summary>The same server with the flood gate at its defaults: burst 20, 10 lines/s, 100 delayed lines.</summary>
    public ChatRoomTarget WithDefaultFloodControl() => new(serverPath, defaultFloodControl: true);

    public ProcessStartInfo CreateStartInfo(int port, int maxConnections)
    {
        var server = Path.GetFullPath(serverPath);
        var isDll = server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : server)
        {
            // The server's appsettings.json sits beside it, as in a deployment.
            WorkingDirectory = Path.GetDirectoryName(server),
        };
        if (isDll)
        {
            info.ArgumentList.Add(server);
        }

        foreach (var setting in Settings(port, FreePort.Next()).Where(setting => !defaultFloodControl || !setting.StartsWith("--Chat:Flood:", StringComparison.Ordinal)))
        {
            info.ArgumentList.Add(setting);
        }

        // Same server whatever the caller's shell exports: no exporter, no environment-specific configuration.
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        return info;
    }

    public async Task JoinAsync(LoadConnection connection, CancellationToken cancellationToken)
    {
        var prompt = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (prompt != PlainText.NickPrompt)
        {
            throw new JoinFailedException($"expected '{PlainText.NickPrompt}', got '{prompt ?? "(closed)"}'");
        }

        var nickname = Encoding.ASCII.GetBytes(Nickname(connection.Index) + "\n");
        await connection.SendAsync(nickname, cancellationToken).ConfigureAwait(false);
        var welcome = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (welcome != PlainText.Welcome)
        {
            throw new JoinFailedException($"expected '{PlainText.Welcome}', got '{welcome ?? "(closed)"}'");
        }
    }

    /// <summary>The nickname connection <paramref name="index"/> joins with: unique within a run.</summary>
    public static string Nickname(int index) => string.Create(CultureInfo.InvariantCulture, $"u{index}");

    private static string[] Settings(int port, int httpPort) =>
    [
        "--Chat:Host=127.0.0.1",
        $"--Chat:Port={port}",
        $"--Chat:HttpPort={httpPort}",
        "--Chat:MaxClients=20000",
        "--Chat:MaxConnectionsPerAddress=20000",
        "--Chat:LimitLoopback=false",
        "--Chat:HandshakeTimeout=00:10:00",
        // Within FloodOptions' ranges, and far above what any sender here does: flood control never engages.
        "--Chat:Flood:Burst=100000",
        "--Chat:Flood:LinesPerSecond=1000000",
        "--Chat:Flood:MaxDelayedLines=100000",
        "--Logging:LogLevel:Default=Warning",
    ];
}
