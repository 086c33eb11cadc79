using ChatRoom.Client.Connection;
using ChatRoom.Client.Modes;
using ChatRoom.Client.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;

namespace ChatRoom.Client.Hosting;

/// <summary>
/// The client on the generic host, so that it shares ServiceDefaults (OpenTelemetry over OTLP, resilience) with
/// the server. The host owns the process's lifetime: Ctrl+C and SIGTERM stop it, which stops the mode.
/// </summary>
public static class ClientApp
{
    private const string ReconnectPipelineName = "reconnect";

    public static async Task<int> RunAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ApplicationName = "ChatRoom.Client",
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (!settings.Simulate)
        {
            // The terminal belongs to the conversation: logs go to OTLP only (when configured).
            builder.Logging.ClearProviders();
        }

        builder.AddServiceDefaults();
        // Polly logs every attempt, and each retry with its stack trace; SimulateMode logs one line per retry instead.
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(ServerAddress.Resolve(settings.Host, settings.Port, builder.Configuration) with
        {
            Tls = settings.Tls ? new TlsTrust(settings.TlsTrust) : null,
        });
        builder.Services.AddSingleton<ClientMetrics>();
        builder.Services.AddResiliencePipeline<string, ClientSession>(ReconnectPipelineName, (pipeline, context) =>
            SimulateMode.ReconnectPipeline(pipeline,
                context.ServiceProvider.GetRequiredService<ILogger<SimulateMode>>(),
                context.ServiceProvider.GetRequiredService<ServerAddress>()));
        builder.Services.AddSingleton(services =>
            services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline<ClientSession>(ReconnectPipelineName));
        builder.Services.AddSingleton<InteractiveMode>().AddSingleton<PipedMode>().AddSingleton<SimulateMode>();

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            return settings.Simulate ? await host.Services.GetRequiredService<SimulateMode>().RunAsync(stopping.Token)
                : Console.IsInputRedirected ? await host.Services.GetRequiredService<PipedMode>().RunAsync(stopping.Token)
                : await host.Services.GetRequiredService<InteractiveMode>().RunAsync(stopping.Token);
        }
        finally
        {
            // Flushes the telemetry still buffered for export.
            await host.StopAsync(CancellationToken.None);
        }
    }
}
