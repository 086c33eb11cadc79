using System.Diagnostics;
using ChatRoom.LoadGen.Load;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// Debian's redis-server as the backplane of a run with several ChatRoom servers (<c>--servers</c>): started like a
/// server under test, so that its CPU and memory are read the same way, but no client talks to it.
/// </summary>
/// <param name="executable">The redis-server executable (Debian: apt-get install redis-server).</param>
public sealed class RedisTarget(string executable) : ITarget
{
    public string Name => "redis";

    public bool EchoesToSender => false;

    public int ParallelJoins => 1;

    public ProcessStartInfo CreateStartInfo(int port, int maxConnections)
    {
        var info = new ProcessStartInfo(executable);
        // In memory only: the measurement is of the backplane's work, not of a disk.
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    public Task JoinAsync(LoadConnection connection, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Redis is the servers' backplane: clients join the ChatRoom servers");
}
