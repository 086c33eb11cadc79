using System.Net;
using ChatRoom.Server.Options;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Connections;

/// <summary>
/// The first thing every chat connection meets, on the plaintext and the TLS port alike, ahead of the TLS handshake:
/// it admits the newcomer or refuses it (<see cref="ConnectionAdmission"/>), and starts the one
/// <see cref="HandshakeDeadline"/> that covers TLS and the nickname together. So a connection that never sends a
/// ClientHello still counts against <c>MaxClients</c> and the per-address limit, and is closed at the deadline.
/// </summary>
public sealed class AdmissionMiddleware(
    ConnectionAdmission admission,
    IOptions<ChatOptions> options,
    ChatMetrics metrics,
    ILogger<AdmissionMiddleware> logger,
    TimeProvider clock)
{
    private static readonly byte[] ServerFullLine = "ERR server is full\n"u8.ToArray();
    private static readonly byte[] TooManyFromAddressLine = "ERR too many connections from your address\n"u8.ToArray();

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
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

        using var deadline = new HandshakeDeadline(connection, options.Value.HandshakeTimeout, clock);
        connection.Features.Set(deadline);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            admission.Release(address);
            if (!deadline.SessionStarted)
            {
                // TLS failed or never finished: no session was there to count the connection's end.
                metrics.ConnectionClosed((deadline.ExpiredBeforeTheSession ? DisconnectReason.HandshakeTimeout : DisconnectReason.Dropped).ToCode());
            }
        }
    }

    private async Task RefuseAsync(ConnectionContext connection, ConnectionAdmission.Refusal refusal)
    {
        var full = refusal == ConnectionAdmission.Refusal.ServerFull;
        ServerLog.Refused(logger, connection.RemoteEndPoint?.ToString(), full ? "server is full" : "too many connections from its address");
        try
        {
            // Written in plain text, before any TLS: a person trying the port with nc reads why.
            await connection.Transport.Output.WriteAsync(full ? ServerFullLine : TooManyFromAddressLine).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // It left before hearing why.
        }

        metrics.ConnectionClosed((full ? DisconnectReason.ServerFull : DisconnectReason.AddressLimit).ToCode());
    }
}
