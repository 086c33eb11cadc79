using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatRoom.Server.Backplane;

/// <summary>
/// Degraded, never unhealthy, while the room's Redis cannot be reached: the server keeps its clients and tells them the
/// room is unavailable, and an orchestrator that restarted it would only cut them off.
/// </summary>
public sealed class BackplaneHealthCheck(RedisRoomBackplane backplane) : IHealthCheck
{
    public const string Name = "chatroom-backplane";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(backplane.IsLinked
            ? HealthCheckResult.Healthy("linked to the room's stream")
            : HealthCheckResult.Degraded("the room's Redis cannot be reached: clients stay connected and are told the room is unavailable"));
}
