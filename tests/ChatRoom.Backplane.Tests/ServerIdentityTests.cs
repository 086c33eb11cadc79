using ChatRoom.Server.Telemetry;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatRoom.Backplane.Tests;

/// <summary>Every metric and span of a server carries its id, so the figures of servers sharing a room stay apart.</summary>
public sealed class ServerIdentityTests
{
    [Fact]
    public async Task EachServerReportsItsOwnIdOnEverySignalsResource()
    {
        await using var first = await TestChatServer.StartAsync();
        await using var second = await TestChatServer.StartAsync();

        var (firstId, secondId) = (IdOf(first), IdOf(second));

        Assert.NotEqual(firstId, secondId);
        foreach (var (server, id) in new[] { (first, firstId), (second, secondId) })
        {
            Assert.Equal(id, AttributeOf(server.Services.GetRequiredService<MeterProvider>()));
            Assert.Equal(id, AttributeOf(server.Services.GetRequiredService<TracerProvider>()));
        }
    }

    private static string IdOf(TestChatServer server) => server.Services.GetRequiredService<ServerIdentity>().Id;

    private static string? AttributeOf(BaseProvider provider) =>
        provider.GetResource().Attributes.SingleOrDefault(attribute => attribute.Key == ServerIdentity.AttributeName).Value as string;
}
