using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Connections;

/// <summary>
/// The health port's own cap on open connections (<c>Chat:HealthMaxConnections</c>): an orchestrator's probe needs one
/// or two, so anything beyond the cap is closed at once, and idle connections are closed by Kestrel's short
/// keep-alive and request-header timeouts. Kestrel's MaxConcurrentConnections would apply to the chat ports as well.
/// </summary>
public sealed class HealthConnectionLimit(int maxConnections, ILogger<HealthConnectionLimit> logger)
{
    private int _open;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        try
        {
            if (Interlocked.Increment(ref _open) > maxConnections)
            {
                ServerLog.Refused(logger, connection.RemoteEndPoint?.ToString(), $"more than {maxConnections} connections to the health port");
                return;
            }

            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
