using System.Diagnostics;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Containers;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests;

/// <summary>The image and the container as operators rely on them: user, health check, size, start and stop, and the Benchmark environment.</summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed class ServerImageTests(ChatServerFixture fixture, ITestOutputHelper output)
{
    private const string AppUser = "1654";

    private async Task<DockerOCIImageConfig> ImageConfigAsync()
    {
        var image = await fixture.Docker.Images.InspectImageAsync(fixture.ServerImage.FullName);
        Assert.NotNull(image.Config);
        return image.Config;
    }

    [SkippableFact]
    public async Task ServerProcessRunsAsTheNonRootAppUser()
    {
        var config = await ImageConfigAsync();
        Assert.Equal($"{AppUser}:{AppUser}", config.User);

        // `docker top`: the processes as the host's kernel sees them, whatever tools the image lacks.
        var top = await fixture.Docker.Containers.ListProcessesAsync(fixture.Server.Id,
            new ContainerListProcessesParameters { PsArgs = "-o pid,uid,gid,comm" });
        output.WriteLine(string.Join(Environment.NewLine, top.Processes.Select(p => string.Join(' ', p))));
        Assert.NotEmpty(top.Processes);
        Assert.All(top.Processes, process =>
        {
            Assert.Equal(AppUser, process[1]);
            Assert.Equal(AppUser, process[2]);
        });
        Assert.Contains(top.Processes, process => process[3].StartsWith("ChatRoom.Server", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task HealthCheckIsTheServerBinaryItselfAndPasses()
    {
        var config = await ImageConfigAsync();

        // Exec form ("CMD"), not "CMD-SHELL": it needs no shell, curl or wget in the image.
        Assert.NotNull(config.Healthcheck);
        Assert.Equal(["CMD", "/app/ChatRoom.Server", "--health-check"], config.Healthcheck.Test);

        var container = await fixture.Docker.Containers.InspectContainerAsync(fixture.Server.Id);
        Assert.Equal(config.Healthcheck.Test, container.Config?.Healthcheck?.Test);
        var health = container.State?.Health;
        Assert.NotNull(health);
        Assert.Equal("healthy", health.Status);
        var last = health.Log[^1];
        output.WriteLine($"last probe: exit {last.ExitCode}, {last.Output.Trim()}");
        Assert.Equal(0, last.ExitCode);

        // And it does fail when nothing answers: the same probe aimed at a port where nothing listens.
        var failing = await fixture.Server.ExecAsync(["/app/ChatRoom.Server", "--health-check", "--Chat:HttpPort", "1"]);
        output.WriteLine($"probe of port 1: exit {failing.ExitCode}, {failing.Stderr.Trim()}");
        Assert.Equal(1, failing.ExitCode);
        Assert.StartsWith("unhealthy", failing.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ImageListensOnEveryInterfaceAndExposesBothPorts()
    {
        var config = await ImageConfigAsync();

        Assert.Contains("Chat__Host=*", config.Env ?? []);
        Assert.Contains("55555/tcp", config.ExposedPorts?.Keys ?? []);
        Assert.Contains("55556/tcp", config.ExposedPorts?.Keys ?? []);
        Assert.Equal(["/app/ChatRoom.Server"], config.Entrypoint);

        var (stdout, _) = await fixture.Server.GetLogsAsync();
        Assert.Contains("Now listening on: http://0.0.0.0:55555", stdout, StringComparison.Ordinal);
        Assert.Contains("Now listening on: http://0.0.0.0:55556", stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ImageAddsLittleToItsBaseAndStartsInSeconds()
    {
        var image = await fixture.Docker.Images.InspectImageAsync(fixture.ServerImage.FullName);
        var runtime = await fixture.Docker.Images.InspectImageAsync(fixture.Settings.RuntimeImage);
        var added = image.Size - runtime.Size;
        output.WriteLine($"image {image.Size / 1e6:0.0} MB = base {runtime.Size / 1e6:0.0} MB + app {added / 1e6:0.0} MB; " +
                         $"started and healthy in {fixture.ServerStartTime.TotalSeconds:0.00} s");

        // The Native AOT server is ~19 MB; a self-contained JIT build would be ~50 MB, the whole SDK far more.
        Assert.InRange(added, 1, 40_000_000);
        Assert.InRange(fixture.ServerStartTime, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [SkippableFact]
    public async Task DockerStopShutsTheServerDownCleanlyWithExitCode0()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var server = await fixture.StartServerAsync(onNetwork: false, cts.Token);
        try
        {
            var port = server.GetMappedPublicPort(ChatServerFixture.ChatPort);
            await using var client = await TestChatClient.ConnectAndJoinAsync(server.Hostname, port, "stopwatcher");

            // What `docker stop` does: SIGTERM, then SIGKILL after the grace period (10 s) if the process is still there.
            var stopwatch = Stopwatch.StartNew();
            await fixture.Docker.Containers.StopContainerAsync(server.Id, new ContainerStopParameters(), cts.Token);
            var stopTime = stopwatch.Elapsed;

            var inspected = (await fixture.Docker.Containers.InspectContainerAsync(server.Id, cts.Token)).State;
            Assert.NotNull(inspected);
            var (stdout, stderr) = await server.GetLogsAsync(ct: cts.Token);
            output.WriteLine($"docker stop took {stopTime.TotalSeconds:0.00} s, exit code {inspected.ExitCode}");
            output.WriteLine(stdout + stderr);

            Assert.False(inspected.Running);
            Assert.Equal(0, inspected.ExitCode);
            Assert.False(inspected.OOMKilled);
            Assert.InRange(stopTime, TimeSpan.Zero, TimeSpan.FromSeconds(6)); // the server's shutdown timeout is 5 s
            Assert.Contains("Application is shutting down", stdout, StringComparison.Ordinal);

            // The connected user was told, and then the connection was closed.
            var lastLines = await client.ReadToEndAsync(TimeSpan.FromSeconds(5));
            Assert.Contains(lastLines, line => line.Contains("shutting down", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await fixture.RemoveAsync(server);
        }
    }

    [SkippableFact]
    public async Task InTheBenchmarkEnvironmentTheImageTakesMoreClientsFromTheHostThanOneAddressMayOpen()
    {
        // Through Docker's port forwarding every client of the host arrives from one address, so the per-address
        // limit (64) holds them all back: what a load generator measuring the image would meet, and what its
        // Benchmark environment lifts.
        const int clients = 70;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var standard = await fixture.StartServerAsync(onNetwork: false, cts.Token);
        var benchmark = await fixture.StartServerAsync(onNetwork: false, cts.Token, hostEnvironment: "Benchmark");
        try
        {
            // The limit is 64 (Chat:MaxConnectionsPerAddress): the 65th connection, and no earlier one, is refused.
            Assert.Equal((65, "ERR too many connections from your address"), await FirstRefusalAsync(standard, clients));
            Assert.Null(await FirstRefusalAsync(benchmark, clients));

            var (stdout, _) = await benchmark.GetLogsAsync(ct: cts.Token);
            Assert.Contains("Flood control is off", stdout, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.RemoveAsync(standard);
            await fixture.RemoveAsync(benchmark);
        }
    }

    /// <summary>
    /// Opens <paramref name="count"/> connections, keeping each open; the first whose first line is not the NICK prompt, if
    /// any: which one (counting from 1) and that line.
    /// </summary>
    private static async Task<(int Connection, string? Line)?> FirstRefusalAsync(IContainer server, int count)
    {
        var port = server.GetMappedPublicPort(ChatServerFixture.ChatPort);
        var open = new List<TestChatClient>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var client = await TestChatClient.ConnectAsync(server.Hostname, port, $"connection {i + 1}");
                open.Add(client);
                var first = await client.ReadLineAsync();
                if (first != "NICK")
                {
                    return (i + 1, first);
                }
            }

            return null;
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }
}
