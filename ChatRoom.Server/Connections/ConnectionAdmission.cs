using ChatRoom.Server.Options;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// Counts connections against <see cref="ChatOptions.MaxClients"/>. Kept in the application rather than
/// Kestrel's MaxConcurrentConnections because Kestrel closes excess sockets before the handler runs,
/// and a refused newcomer must be told why.
/// </summary>
public sealed class ConnectionAdmission(IOptions<ChatOptions> options)
{
    private int _open;

    public int MaxClients => options.Value.MaxClients;

    public bool TryAdmit()
    {
        if (Interlocked.Increment(ref _open) <= MaxClients)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _open);
}
