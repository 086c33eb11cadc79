using ChatRoom.Server.Backplane;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Resources;
using StackExchange.Redis;

namespace ChatRoom.Server.Hosting;

/// <summary>
/// The two modes of one protocol: without <c>ConnectionStrings:redis</c> the room lives in this process; with it, every
/// server on that Redis serves one and the same room (docs/scaling.md).
/// </summary>
public static class BackplaneExtensions
{
    /// <summary>The connection string's name: what Aspire's <c>WithReference(redis)</c> sets.</summary>
    public const string ConnectionName = "redis";

    /// <summary>Whether this server shares its room through Redis.</summary>
    public static bool UsesBackplane(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    /// <summary>Gives the server its id, on every signal's resource, and, when Redis is configured, the backplane.</summary>
    public static WebApplicationBuilder AddBackplane(this WebApplicationBuilder builder)
    {
        var identity = new ServerIdentity();
        builder.Services.AddSingleton(identity);
        builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
            resource.AddAttributes([new KeyValuePair<string, object>(ServerIdentity.AttributeName, identity.Id)]));

        if (!builder.Configuration.UsesBackplane())
        {
            return builder;
        }

        builder.AddRedisClient(ConnectionName, configureOptions: redis =>
        {
            // A line said while Redis cannot be reached is refused at once (the sender gets ERR), not held for seconds.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            redis.ReconnectRetryPolicy = new LinearRetry(500);
            redis.ClientName ??= "chatroom-" + identity.Id;
        });

        // Aspire's Redis check reports Unhealthy; here an unreachable Redis degrades the server, which keeps its clients.
        builder.Services.Configure<HealthCheckServiceOptions>(health =>
        {
            foreach (var registration in health.Registrations.Where(r => r.Name.StartsWith("StackExchange.Redis", StringComparison.Ordinal)))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });
        builder.Services.AddHealthChecks().AddCheck<BackplaneHealthCheck>(BackplaneHealthCheck.Name);

        builder.Services.AddSingleton<BackplaneMetrics>();
        builder.Services.AddSingleton<RedisRoomBackplane>();
        builder.Services.AddSingleton<IRoomBackplane>(services => services.GetRequiredService<RedisRoomBackplane>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisRoomBackplane>());
        return builder;
    }
}
