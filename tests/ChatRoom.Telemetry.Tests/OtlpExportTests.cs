using System.Globalization;
using ChatRoom.Server.Hosting;
using ChatRoom.Tests.Harness;
using Microsoft.AspNetCore.Builder;

namespace ChatRoom.Telemetry.Tests;

/// <summary>
/// The real OTLP exporter of ServiceDefaults, switched on by configuration alone as Aspire does, sending
/// HTTP/protobuf to a collector the test hosts: the path the Aspire dashboard receives telemetry by.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class OtlpExportTests
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ServerExportsMetricsTracesAndLogsOverOtlpHttpProtobufWhenTheEndpointIsConfigured()
    {
        await using var collector = await OtlpSink.StartAsync();
        var endpoint = collector.Endpoint.ToString().TrimEnd('/');
        string[] args =
        [
            "--Chat:Host=127.0.0.1",
            "--Chat:Port=0",
            "--Chat:HttpPort=0",
            // Configuration, not process environment: ServiceDefaults and the exporter read IConfiguration,
            // so the variables Aspire sets work from any configuration source.
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_SERVICE_NAME=chatroom-telemetry-test",
            "--OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=test",
            "--OTEL_METRIC_EXPORT_INTERVAL=500",
            "--OTEL_BSP_SCHEDULE_DELAY=200",
            "--OTEL_BLRP_SCHEDULE_DELAY=200",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:ChatRoom=Information",
        ];
        var app = ChatServerApp.Create(args);
        using (var timeout = new CancellationTokenSource(StartStopTimeout))
        {
            await app.StartAsync(timeout.Token);
        }

        try
        {
            var chatPort = new Uri(app.Urls.First()).Port;
            using var alice = await TestChatClient.ConnectAsync(chatPort, "alice");
            await alice.JoinAsync("alice");
            using var bob = await TestChatClient.ConnectAsync(chatPort, "bob");
            await bob.JoinAsync("bob");
            await alice.ExpectLineAsync("bob joined the chat!");
            const string secret = "a chat line that must not be logged";
            await alice.SendLineAsync(secret);
            await alice.ExpectLineAsync($"alice: {secret}");
            await bob.ExpectLineAsync($"alice: {secret}");
            await bob.SendLineAsync("/quit");
            await bob.ExpectClosedAsync();
            await alice.ExpectLineAsync("bob left the chat!");

            var metrics = await collector.WaitForAsync("metrics", ExportTimeout,
                "chatroom-telemetry-test", "deployment.environment.name", "service.instance.id", "ChatRoom.Server",
                "chatroom.messages.received", "chatroom.broadcast.duration", "chatroom.disconnects", "quit",
                // Kestrel's own connection metrics stay on beside the server's.
                "kestrel.active_connections", "kestrel.connection.duration");
            var traces = await collector.WaitForAsync("traces", ExportTimeout,
                "chatroom-telemetry-test", "service.instance.id", "ChatRoom.Server", "process lobby", "messaging.destination.name", "lobby");
            // Two waits: the join and the quit may leave in different log batches.
            var joinLog = await collector.WaitForAsync("logs", ExportTimeout,
                "chatroom-telemetry-test", "service.instance.id", "joined from", "Nick", "alice", "RemoteEndPoint");
            var quitLog = await collector.WaitForAsync("logs", ExportTimeout,
                "chatroom-telemetry-test", "service.instance.id", "Reason", "quit");

            foreach (var export in (OtlpRequest[])[metrics, traces, joinLog, quitLog])
            {
                Assert.Equal("application/x-protobuf", export.ContentType);
            }

            Assert.DoesNotContain(collector.Requests, request => request.Contains(secret));
        }
        finally
        {
            using var timeout = new CancellationTokenSource(StartStopTimeout);
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExportingTelemetryWritesNoLineAboutEachExportToTheServersLog()
    {
        // The exporter's HTTP requests go through the resilience handler every HttpClient gets, whose telemetry logs
        // each attempt at Information: at the default level, a console line (on the dashboard's console page too)
        // per export.
        await using var collector = await OtlpSink.StartAsync();
        using var server = await ServerProcess.StartWithAsync(
        [
            "--Logging:LogLevel:Default=Information",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={collector.Endpoint.ToString().TrimEnd('/')}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_METRIC_EXPORT_INTERVAL=200",
        ]);

        await collector.WaitForAsync("metrics", ExportTimeout, "ChatRoom.Server");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var exports = collector.Requests.Count(request => request.Signal == "metrics");
        Assert.True(exports >= 3, $"only {exports} metric exports in a second");
        Assert.DoesNotContain("Execution attempt", server.Output, StringComparison.Ordinal);
    }
}
