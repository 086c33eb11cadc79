using System.Net;
using System.Net.Sockets;
using ChatRoom.Server.Commands;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// Kestrel hands every connection on the chat port to this handler; the connection lives as long as
/// <see cref="OnConnectedAsync"/> runs. It admits or refuses the newcomer and runs its <see cref="ChatSession"/>.
/// </summary>
public sealed class ChatConnectionHandler(
    Room room,
    ChatCommands commands,
    ConnectionAdmission admission,
    IOptions<ChatOptions> options,
    DeliveryPolicy delivery,
    SendBudget budget,
    ChatMetrics metrics,
    ILogger<ChatSession> logger,
    TimeProvider clock) : ConnectionHandler
{
    private const int KeepAliveProbes = 3;

    // Linux <netinet/tcp.h>: IPPROTO_TCP, TCP_USER_TIMEOUT (milliseconds). .NET has no named option for it.
    private const int IpProtocolTcp = 6;
    private const int TcpUserTimeout = 18;

    private static readonly byte[] ServerFullLine = "ERR server is full\n"u8.ToArray();
    private static readonly byte[] TooManyFromAddressLine = "ERR too many connections from your address\n"u8.ToArray();

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        metrics.ConnectionOpened();
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        var refusal = admission.TryAdmit(address);
        if (refusal != ConnectionAdmission.Refusal.None)
        {
            await RefuseAsync(connection, refusal).ConfigureAwait(false);
            return;
        }

        try
        {
            EnableKeepAlive(connection);
            var session = new ChatSession(connection, room, commands, options.Value, delivery, budget, metrics, logger, clock);
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            admission.Release(address);
        }
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

    private async Task RefuseAsync(ConnectionContext connection, ConnectionAdmission.Refusal refusal)
    {
        var full = refusal == ConnectionAdmission.Refusal.ServerFull;
        ServerLog.Refused(logger, connection.RemoteEndPoint?.ToString(), full ? "server is full" : "too many connections from its address");
        try
        {
            // Written straight to the pipe: the newcomer never gets a session or an outbox.
            await connection.Transport.Output.WriteAsync(full ? ServerFullLine : TooManyFromAddressLine).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // It left before hearing why.
        }

        metrics.ConnectionClosed(full ? DisconnectReason.ServerFull : DisconnectReason.AddressLimit);
    }
}
