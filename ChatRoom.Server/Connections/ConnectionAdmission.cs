using System.Collections.Concurrent;
using System.Net;
using ChatRoom.Server.Options;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// Counts connections against <see cref="ChatOptions.MaxClients"/> and, per IP address, against
/// <see cref="ChatOptions.MaxConnectionsPerAddress"/>. Kept in the application rather than Kestrel's
/// MaxConcurrentConnections because Kestrel closes excess sockets before the handler runs, and a refused
/// newcomer must be told why.
/// </summary>
public sealed class ConnectionAdmission(IOptions<ChatOptions> options)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _open;
    private int _peak;

    public ChatOptions Options => options.Value;

    /// <summary>Connections being served now, handshaking ones included.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most connections served at once since the last call; the count starts again from <see cref="Open"/>.</summary>
    public int TakePeak()
    {
        var open = Open;
        return Math.Max(Interlocked.Exchange(ref _peak, open), open);
    }

    /// <summary>Admits a connection from <paramref name="address"/>, or says why not.</summary>
    public Refusal TryAdmit(IPAddress? address)
    {
        var open = Interlocked.Increment(ref _open);
        if (open > Options.MaxClients)
        {
            Interlocked.Decrement(ref _open);
            return Refusal.ServerFull;
        }

        RaisePeak(open);

        if (CountsPerAddress(address) && _perAddress.AddOrUpdate(address!, 1, static (_, n) => n + 1) > Options.MaxConnectionsPerAddress)
        {
            Release(address);
            return Refusal.TooManyFromAddress;
        }

        return Refusal.None;
    }

    public void Release(IPAddress? address)
    {
        Interlocked.Decrement(ref _open);
        if (!CountsPerAddress(address))
        {
            return;
        }

        // Remove the entry once it reaches zero so the table does not grow with every address ever seen.
        while (_perAddress.TryGetValue(address!, out var count))
        {
            var updated = count - 1 == 0
                ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address!, count))
                : _perAddress.TryUpdate(address!, count - 1, count);
            if (updated)
            {
                return;
            }
        }
    }

    private void RaisePeak(int open)
    {
        var peak = Volatile.Read(ref _peak);
        while (open > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, open, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private bool CountsPerAddress(IPAddress? address) =>
        address is not null && (Options.LimitLoopback || !IPAddress.IsLoopback(address));

    public enum Refusal
    {
        None,
        ServerFull,
        TooManyFromAddress,
    }
}
