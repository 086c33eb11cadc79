using ChatRoom.Server.Commands;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
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
    ChatMetrics metrics,
    ILogger<ChatSession> logger,
    TimeProvider clock) : ConnectionHandler
{
    private static readonly byte[] ServerFullLine = "ERR server is full\n"u8.ToArray();

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        metrics.ConnectionOpened();
        if (!admission.TryAdmit())
        {
            await RefuseAsync(connection).ConfigureAwait(false);
            return;
        }

        try
        {
            var session = new ChatSession(connection, room, commands, options.Value, metrics, logger, clock);
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            admission.Release();
        }
    }

    private async Task RefuseAsync(ConnectionContext connection)
    {
        ServerLog.ServerFull(logger, connection.RemoteEndPoint?.ToString(), admission.MaxClients);
        try
        {
            // Written straight to the pipe: the newcomer never gets a session or a send queue.
            await connection.Transport.Output.WriteAsync(ServerFullLine).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // It left before hearing why.
        }

        metrics.ConnectionClosed(DisconnectReason.ServerFull);
    }
}
