using System.Net.Sockets;
using ChatRoom.Server.Commands;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// Kestrel hands every chat connection to this handler once <see cref="AdmissionMiddleware"/> has admitted it (and TLS,
/// on the TLS port, is done); the connection lives as long as <see cref="OnConnectedAsync"/> runs. It runs the
/// newcomer's <see cref="ChatSession"/> within the connection's <see cref="HandshakeDeadline"/>. The logger it takes is
/// its sessions' (category <c>ChatSession</c>): the handler itself logs nothing.
/// </summary>
public sealed class ChatConnectionHandler(
    Room room,
    ChatCommands commands,
    IOptions<ChatOptions> options,
    DeliveryPolicy delivery,
    SendBudget budget,
    ChatMetrics metrics,
    ILogger<ChatSession> sessionLogger,
    TimeProvider clock) : ConnectionHandler
{
    private const int KeepAliveProbes = 3;

    // Linux <netinet/tcp.h>: IPPROTO_TCP, TCP_USER_TIMEOUT (milliseconds). .NET has no named option for it.
    private const int IpProtocolTcp = 6;
    private const int TcpUserTimeout = 18;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var deadline = connection.Features.GetRequiredFeature<HandshakeDeadline>();
        if (!deadline.TryStartSession())
        {
            return; // the deadline passed during TLS: the connection is being aborted
        }

        EnableKeepAlive(connection);
        var session = new ChatSession(connection, room, commands, options.Value, delivery, budget, metrics, sessionLogger, clock);
        await session.RunAsync(deadline).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets the kernel find peers that vanished without FIN or RST (see <see cref="ChatOptions.KeepAliveTime"/>): in a
    /// quiet room by keep-alive probes, in a busy one by bounding how long sent data may stay unacknowledged.
    /// </summary>
    private void EnableKeepAlive(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return;
        }

        var settings = options.Value;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)settings.KeepAliveTime.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)settings.KeepAliveInterval.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, KeepAliveProbes);
        if (OperatingSystem.IsLinux())
        {
            // Keep-alive probes only start on an idle connection. While broadcasts are in flight to a vanished peer the
            // kernel would retransmit for ~15 minutes (tcp_retries2); TCP_USER_TIMEOUT ends that after the same time the
            // probes would take (and, per tcp(7), also governs when the probes give up).
            var userTimeout = settings.KeepAliveTime + (KeepAliveProbes * settings.KeepAliveInterval);
            socket.SetRawSocketOption(IpProtocolTcp, TcpUserTimeout, BitConverter.GetBytes((int)userTimeout.TotalMilliseconds));
        }
    }
}
