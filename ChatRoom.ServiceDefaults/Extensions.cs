using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the services every ChatRoom program shares: OpenTelemetry (logs, metrics, traces; exported over
/// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set), default health checks, service discovery and resilience.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>The meters and activity sources of ChatRoom's own programs.</summary>
    private static readonly string[] ChatRoomSources = ["ChatRoom.Server", "ChatRoom.Client"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        // The resilience pipeline logs every attempt of every request at Information, the OTLP exporter's included: a
        // console line per export, on the dashboard's console page too. Retries and failures are Warnings, still logged.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // One id for the process: each signal's provider builds its resource separately.
        var instanceId = Guid.NewGuid().ToString();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddServiceInstanceId(instanceId, builder.Configuration))
            .WithMetrics(metrics =>
            {
                // AddAspNetCoreInstrumentation also listens to Kestrel's meter (kestrel.*), but not to
                // Microsoft.AspNetCore.MemoryPool: the chat server gives Kestrel its own buffer pool (chatroom.buffer_pool.*).
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(ChatRoomSources);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddSource(ChatRoomSources)
                    .AddAspNetCoreInstrumentation(options =>
                        // Health probes would drown the traces that matter.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            });

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    /// <summary>
    /// Gives this process a <c>service.instance.id</c> of its own unless OTEL_RESOURCE_ATTRIBUTES names one (Aspire
    /// does). Replicas that share a service name, as compose's simulators do, would otherwise reach the dashboard as
    /// one instance whose counters jump between the replicas' values.
    /// </summary>
    private static ResourceBuilder AddServiceInstanceId(this ResourceBuilder resource, string instanceId, IConfiguration configuration)
    {
        const string InstanceIdKey = "service.instance.id";
        var configured = (configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(attribute => attribute.Split('=', 2)[0].Trim() == InstanceIdKey);
        return configured
            ? resource
            : resource.AddAttributes([new KeyValuePair<string, object>(InstanceIdKey, instanceId)]);
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var useOtlpExporter = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (liveness only). Unlike the Aspire template these are
    /// mapped in every environment: the container HEALTHCHECK and orchestrators need them in Production too,
    /// and they are served on the separate health port, not on the chat port.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });

        return app;
    }
}
