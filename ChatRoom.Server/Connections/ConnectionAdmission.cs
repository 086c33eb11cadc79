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

    public ChatOptions Options => options.Value;

    /// <summary>Admits a connection from <paramref name="address"/>, or says why not.</summary>
    public Refusal TryAdmit(IPAddress? address)
    {
        if (Interlocked.Increment(ref _open) > Options.MaxClients)
        {
            Interlocked.Decrement(ref _open);
            return Refusal.ServerFull;
        }

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

    private bool CountsPerAddress(IPAddress? address) =>
        address is not null && (Options.LimitLoopback || !IPAddress.IsLoopback(address));

    public enum Refusal
    {
        None,
        ServerFull,
        TooManyFromAddress,
    }
}
