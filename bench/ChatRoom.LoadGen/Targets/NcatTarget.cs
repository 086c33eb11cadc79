using System.Diagnostics;
using System.Globalization;
using ChatRoom.LoadGen.Load;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// <c>ncat --chat</c>, the baseline: no handshake, every line goes to every other client prefixed <c>&lt;userN&gt; </c>,
/// and each connection is announced to everyone with lines starting <c>&lt;announce&gt;</c>.
/// </summary>
public sealed class NcatTarget(string ncat) : ITarget
{
    private const string AnnouncePrefix = "<announce>";

    public string Name => "ncat";

    public bool EchoesToSender => false;

    // ncat listens with a backlog of 10.
    public int ParallelJoins => 8;

    public ProcessStartInfo CreateStartInfo(int port, int maxConnections) => new(ncat,
    [
        "--chat", "-l", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture),
        "--max-conns", maxConnections.ToString(CultureInfo.InvariantCulture),
    ]);

    /// <summary>ncat has admitted a client once it announces it, to the client itself included.</summary>
    public async Task JoinAsync(LoadConnection connection, CancellationToken cancellationToken)
    {
        var announce = await connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (announce is null || !announce.StartsWith(AnnouncePrefix, StringComparison.Ordinal))
        {
            throw new JoinFailedException($"expected '{AnnouncePrefix} ...', got '{announce ?? "(closed)"}'");
        }
    }
}
