using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.LoadGen.Load;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// ngIRCd, a C IRC server, as a second peer: every client registers (<c>NICK</c>, <c>USER</c>) and joins one channel,
/// and messages are <c>PRIVMSG #lobby :…</c>, relayed to every other member (IRC does not echo to the sender). Its
/// configuration lifts the limits a public server keeps (connections per address, flood penalties, ping timeouts), as
/// ChatRoom's are lifted for the generator, caps connections in all at what the run needs, as ncat's are, and turns
/// off DNS and ident lookups, which loopback clients do not need.
/// </summary>
public sealed class NgircdTarget(string ngircd) : ITarget
{
    private const string Channel = "#lobby";

    public string Name => "ngircd";

    public bool EchoesToSender => false;

    // ngIRCd listens with a backlog of 10. At 32 at a time the accept queue overflowed (the kernel logged SYN flooding)
    // and connections were reset after about 1,550 had joined, although IRC lets the client speak first.
    public int ParallelJoins => 8;

    public ReadOnlyMemory<byte> MessagePrefix { get; } = Encoding.ASCII.GetBytes($"PRIVMSG {Channel} :");

    public ProcessStartInfo CreateStartInfo(int port, int maxConnections)
    {
        var configuration = ConfigurationPath(port);
        File.WriteAllText(configuration, Configuration(port, maxConnections));
        return new ProcessStartInfo(ngircd, ["--nodaemon", "--config", configuration]);
    }

    public void CleanUp(int port) => File.Delete(ConfigurationPath(port));

    /// <summary>Registers and joins; admitted once the server has sent this client the channel's member list.</summary>
    public async Task JoinAsync(LoadConnection connection, CancellationToken cancellationToken)
    {
        var nickname = ChatRoomTarget.Nickname(connection.Index);
        await connection.SendAsync(Encoding.ASCII.GetBytes($"NICK {nickname}\r\nUSER {nickname} 0 * :{nickname}\r\nJOIN {Channel}\r\n"),
            cancellationToken).ConfigureAwait(false);
        var endOfNames = $" 366 {nickname} {Channel} ";
        while (await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Contains(endOfNames, StringComparison.Ordinal))
            {
                return;
            }

            if (line.StartsWith("ERROR", StringComparison.Ordinal) || IsErrorReply(line))
            {
                throw new JoinFailedException($"ngircd refused {nickname}: '{line}'");
            }
        }

        throw new JoinFailedException($"ngircd closed the connection of {nickname} before it joined {Channel}");
    }

    /// <summary>Numeric replies 400–599 are errors (":server 433 * u3 :Nickname already in use").</summary>
    private static bool IsErrorReply(string line)
    {
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[1].Length == 3 && parts[1][0] is '4' or '5' && int.TryParse(parts[1], out _);
    }

    private static string ConfigurationPath(int port) =>
        Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"chatroom-bench-ngircd-{port}.conf"));

    private static string Configuration(int port, int maxConnections) => string.Create(CultureInfo.InvariantCulture, $"""
        [Global]
            Name = bench.irc
            Info = ChatRoom load generator peer
            Listen = 127.0.0.1
            Ports = {port}
            MotdPhrase = bench
        [Limits]
            MaxConnections = {maxConnections}
            MaxConnectionsIP = 0
            MaxJoins = 0
            MaxPenaltyTime = 0
            PingTimeout = 3600
            PongTimeout = 3600
            IdleTimeout = 0
        [Options]
            DNS = no
            Ident = no
            PAM = no
            RequireAuthPing = no
        """);
}
