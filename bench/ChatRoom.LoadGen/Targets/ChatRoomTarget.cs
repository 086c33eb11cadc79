using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.LoadGen.Load;
using ChatRoom.Protocol.Events;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// ChatRoom, from its build, in its <c>Benchmark</c> environment (ChatRoom.Server/appsettings.Benchmark.json), as
/// anyone measuring it with another generator would run it: every connection comes from one address, senders go
/// faster than any person, so flood control is off, and 10,000 clients join one after another while the handshake
/// timer runs. Telemetry stays on as in production.
/// </summary>
/// <param name="serverPath">The built server: ChatRoom.Server.dll, run with <c>dotnet</c>, or a native executable (Native AOT).</param>
/// <param name="defaultFloodControl">Turn the flood gate back on, at the server's defaults (the flood campaign measures it).</param>
/// <param name="redis">The Redis several servers share the room through (<c>--servers</c>), or null for one server.</param>
public sealed class ChatRoomTarget(string serverPath, bool defaultFloodControl = false, string? redis = null) : ITarget
{
    private const string RoomUnavailable = PlainText.ErrorPrefix + "the room is unavailable";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    public string Name => "chatroom";

    public bool EchoesToSender => true;

    // Kestrel listens with a backlog of 512. Joining many at once also lets join announcements batch up in each
    // outbox: 10,000 joins owe 50 million of them, and one flush per announcement would take many minutes.
    public int ParallelJoins => 128;

    /// <summary>The same server with the flood gate at its defaults: burst 20, 10 lines/s, 100 delayed lines.</summary>
    public ChatRoomTarget WithDefaultFloodControl() => new(serverPath, defaultFloodControl: true, redis);

    /// <summary>The same server sharing its room with the others on <paramref name="connectionString"/>.</summary>
    public ChatRoomTarget WithBackplane(string connectionString) => new(serverPath, defaultFloodControl, connectionString);

    public ProcessStartInfo CreateStartInfo(int port, int maxConnections)
    {
        var server = Path.GetFullPath(serverPath);
        var isDll = server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : server)
        {
            // The content root: the server's appsettings files sit beside it, as in a deployment.
            WorkingDirectory = Path.GetDirectoryName(server),
        };
        if (isDll)
        {
            info.ArgumentList.Add(server);
        }

        info.ArgumentList.Add("--Chat:Host=127.0.0.1");
        info.ArgumentList.Add($"--Chat:Port={port}");
        info.ArgumentList.Add($"--Chat:HttpPort={FreePort.Next()}");
        if (defaultFloodControl)
        {
            info.ArgumentList.Add("--Chat:Flood:Enabled=true");
        }

        if (redis is not null)
        {
            info.ArgumentList.Add($"--ConnectionStrings:redis={redis}");
        }

        // Same server whatever the caller's shell exports: no exporter, and no environment but Benchmark.
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment["DOTNET_ENVIRONMENT"] = "Benchmark";
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
        while (true)
        {
            await connection.SendAsync(nickname, cancellationToken).ConfigureAwait(false);
            var welcome = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (welcome == PlainText.Welcome)
            {
                return;
            }

            // A server that shares the room has not reached Redis yet: it asks again, as it tells a person to.
            if (welcome?.StartsWith(RoomUnavailable, StringComparison.Ordinal) != true
                || await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false) != PlainText.NickPrompt)
            {
                throw new JoinFailedException($"expected '{PlainText.Welcome}', got '{welcome ?? "(closed)"}'");
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The nickname connection <paramref name="index"/> joins with: unique within a run.</summary>
    public static string Nickname(int index) => string.Create(CultureInfo.InvariantCulture, $"u{index}");
}
