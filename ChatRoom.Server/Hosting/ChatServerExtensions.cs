using ChatRoom.Server.Commands;
using ChatRoom.Server.Connections;
using ChatRoom.Server.Memory;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Hosting;

/// <summary>Registers the chat server: options, the room, and Kestrel's listeners (chat, TLS chat if configured, HTTP).</summary>
public static class ChatServerExtensions
{
    // Health requests are one short GET: a connection that is idle, or slow to send its headers, is closed soon.
    private static readonly TimeSpan HealthKeepAliveTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HealthRequestHeadersTimeout = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder AddChatServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();

        // Below Docker's 10 s stop grace period, so a stopping container exits by itself, with code 0.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSingleton<IBroadcastBus, LocalBroadcastBus>();
        builder.Services.AddSingleton<Room>();
        builder.Services.AddSingleton<ChatCommands>();
        builder.Services.AddSingleton<ConnectionAdmission>();
        builder.Services.AddSingleton<AdmissionMiddleware>();
        builder.Services.AddSingleton(services => new DeliveryPolicy(DeliveryLimits.From(services.GetRequiredService<IOptions<ChatOptions>>().Value)));
        builder.Services.AddSingleton<SendBudget>();
        builder.Services.AddHostedService<DeliveryMonitor>();
        builder.Services.AddOptions<SocketTransportOptions>().Configure<IOptions<ChatOptions>>((socket, chat) =>
        {
            // While flood control delays a client its reads pause once two lines' worth is buffered, so TCP pushes back
            // on it alone and a throttled connection holds no more than that (Kestrel's default is 1 MiB).
            socket.MaxReadBufferSize = 2L * chat.Value.MaxLineBytes;

            // A drain waits for the socket once its pipe holds what it copies between flushes (Outbox.MaxBytesInPipe):
            // that copy is per connection, so it stays small.
            socket.MaxWriteBufferSize = Outbox.MaxBytesInPipe;
        });
        builder.Services.AddHostedService<RoomShutdown>();
        builder.Services.AddSingleton<MemoryReclaimer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MemoryReclaimer>());
        // Kestrel's transports take their buffers from the registered factory: ours gives memory back after a burst.
        builder.Services.AddSingleton<PageBlockPoolFactory>();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(services => services.GetRequiredService<PageBlockPoolFactory>());

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ChatOptions>>().Value;
            if (!options.Flood.Enabled)
            {
                // Said once, at startup: a server that lets anyone flood the room should not be one by accident.
                ServerLog.FloodControlOff(kestrel.ApplicationServices.GetRequiredService<ILogger<ChatConnectionHandler>>());
            }

            // Admission and the handshake deadline come first on every chat port, ahead of TLS (AdmissionMiddleware).
            var admission = kestrel.ApplicationServices.GetRequiredService<AdmissionMiddleware>();
            Func<ConnectionDelegate, ConnectionDelegate> admit = next => connection => admission.OnConnectionAsync(connection, next);

            // Chat first, then TLS chat, then HTTP: tests and tools find the ports in that order of the bound addresses.
            Listen(kestrel, options, options.Port, listen => listen.Use(admit).UseConnectionHandler<ChatConnectionHandler>());
            if (options.Tls.Port is { } tlsPort)
            {
                var certificate = options.Tls.LoadCertificate();
                Listen(kestrel, options, tlsPort, listen =>
                {
                    listen.Use(admit);
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, HandshakeTimeout = options.HandshakeTimeout })
                        .UseConnectionHandler<ChatConnectionHandler>();
                });
            }

            // These limits concern HTTP connections only, which is to say the health port's.
            kestrel.Limits.KeepAliveTimeout = HealthKeepAliveTimeout;
            kestrel.Limits.RequestHeadersTimeout = HealthRequestHeadersTimeout;
            var healthLimit = new HealthConnectionLimit(
                options.HealthMaxConnections, kestrel.ApplicationServices.GetRequiredService<ILogger<HealthConnectionLimit>>());
            Listen(kestrel, options, options.HttpPort, listen => listen.Use(next => connection => healthLimit.OnConnectionAsync(connection, next)));
        });

        return builder;
    }

    /// <summary>
    /// "localhost" binds both loopbacks, as Kestrel does for URLs, because an orchestrator's proxy may dial
    /// [::1]; Kestrel cannot pick a free port for both at once, so port 0 stays on IPv4.
    /// </summary>
    private static void Listen(KestrelServerOptions kestrel, ChatOptions options, int port, Action<ListenOptions> configure)
    {
        if (port != 0 && string.Equals(options.Host.Trim(), "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            kestrel.Listen(options.GetListenAddress(), port, configure);
        }
    }
}
