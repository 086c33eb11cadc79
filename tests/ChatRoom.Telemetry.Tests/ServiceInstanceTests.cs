using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatRoom.Telemetry.Tests;

/// <summary>
/// Every process that uses ServiceDefaults reports a <c>service.instance.id</c>, so replicas that share a service
/// name (compose's simulators) stay apart in the dashboard; one that the orchestrator sets (Aspire) is kept.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ServiceInstanceTests
{
    private const string InstanceIdKey = "service.instance.id";

    [Fact]
    public void TwoReplicasOfOneServiceReportDifferentInstanceIds()
    {
        string[] args = ["--OTEL_SERVICE_NAME=chatroom-simulator"];

        var first = InstanceIdsOf(args);
        var second = InstanceIdsOf(args);

        Assert.True(Guid.TryParse(first.Traces, out _), $"not a GUID: {first.Traces}");
        Assert.Equal(first.Traces, first.Metrics);
        Assert.NotEqual(first.Traces, second.Traces);
    }

    [Fact]
    public void AnInstanceIdFromOtelResourceAttributesIsKept()
    {
        var ids = InstanceIdsOf(
            ["--OTEL_SERVICE_NAME=chatroom-simulator", "--OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=test, service.instance.id=sim-7"]);

        Assert.Equal("sim-7", ids.Traces);
        Assert.Equal("sim-7", ids.Metrics);
    }

    private static (string? Traces, string? Metrics) InstanceIdsOf(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        using var host = builder.Build();
        return (InstanceIdOf(host.Services.GetRequiredService<TracerProvider>()),
            InstanceIdOf(host.Services.GetRequiredService<MeterProvider>()));
    }

    private static string? InstanceIdOf(BaseProvider provider) =>
        provider.GetResource().Attributes.SingleOrDefault(attribute => attribute.Key == InstanceIdKey).Value as string;
}
