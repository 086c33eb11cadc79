using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Once per test run: checks the prerequisites, has the server image built (<see cref="TestImages"/>), creates a
/// network, and starts one server container on it (alias <see cref="ServerAlias"/>, ports published on 127.0.0.1)
/// that the tests share. Tests may start more containers through it (a server to stop, a simulating client); at the
/// end every container, the network and every image of the run are removed (Ryuk is off, so nothing else would).
/// When a prerequisite is missing (no Docker engine, no base image) every member throws a <see cref="SkipException"/>
/// with <see cref="SkipReason"/>: the tests, all [SkippableFact], then report themselves skipped with that line.
/// </summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public const int ChatPort = 55555;
    public const int HttpPort = 55556;
    public const string ServerAlias = "chat-server";

    /// <summary>Publishing on the host and building the images come first; each has its own bound.</summary>
    private static readonly TimeSpan InitializeTimeout = TimeSpan.FromMinutes(25);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    private readonly MessageSinkLogger _log;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly List<IContainer> _containers = [];
    private DockerClient? _docker;
    private ImageSettings? _settings;
    private TestImages? _images;
    private IFutureDockerImage? _serverImage;
    private INetwork? _network;
    private IContainer? _server;

    public ChatServerFixture(IMessageSink sink) => _log = new MessageSinkLogger(sink);

    /// <summary>Why the container tests cannot run here, with the command that provides what is missing; null when they can.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>A client of the same engine Testcontainers uses, for what it has no API for (top, stop, inspect).</summary>
    public IDockerClient Docker => Ready(_docker);

    public ImageSettings Settings => Ready(_settings);

    public TestImages Images => Ready(_images);

    public IFutureDockerImage ServerImage => Ready(_serverImage);

    public IContainer Server => Ready(_server);

    /// <summary>The Docker network the shared server and the simulators are on.</summary>
    public INetwork Network => Ready(_network);

    /// <summary>From `docker create` to the server logging "Application started" and Docker reporting it healthy.</summary>
    public TimeSpan ServerStartTime { get; private set; }

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(InitializeTimeout);
        var ct = cts.Token;
        try
        {
            _docker = await ConnectAsync(ct);
            await ContainerLeftovers.RemoveStaleAsync(_docker, _log, ct);
            _settings = await ImageSettings.ResolveAsync(_docker, _log, ct);
        }
        catch (SkipException e)
        {
            SkipReason = e.Message;
            _log.Report($"SKIPPED: {SkipReason}");
            return;
        }

        _log.Report($"images: {_settings}");
        _images = await TestImages.CreateAsync(_settings, _docker, _log, _runId, ct);
        _serverImage = await _images.ServerAsync(ct);

        _network = new NetworkBuilder()
            .WithName($"chatroom-tests-{_runId}")
            .WithLabel(ContainerLeftovers.LabelKey, ContainerLeftovers.LabelValue)
            .WithLogger(_log)
            .Build();
        await _network.CreateAsync(ct);

        var stopwatch = Stopwatch.StartNew();
        _server = await StartServerAsync(onNetwork: true, ct);
        ServerStartTime = stopwatch.Elapsed;
        _log.Report($"server container started and healthy in {ServerStartTime.TotalSeconds:0.00} s " +
                    $"(chat on {_server.Hostname}:{_server.GetMappedPublicPort(ChatPort)})");
    }

    /// <summary>
    /// Starts a server container of <paramref name="image"/> (default: the tests' server image), its ports published on
    /// 127.0.0.1, and waits until it logs "Application started" (both listeners are bound by then) and its HEALTHCHECK
    /// passes. The image's health command is kept; only its interval is shortened so the wait is short.
    /// <paramref name="hostEnvironment"/>, when given, is the server's <c>DOTNET_ENVIRONMENT</c> (e.g. <c>Benchmark</c>);
    /// <paramref name="environment"/> sets more variables, and <paramref name="alias"/> names it on the network.
    /// </summary>
    public async Task<IContainer> StartServerAsync(bool onNetwork, CancellationToken ct, string? hostEnvironment = null, IImage? image = null,
        IReadOnlyDictionary<string, string>? environment = null, string alias = ServerAlias)
    {
        var builder = new ContainerBuilder(image ?? ServerImage)
            .WithPortBinding(ChatPort, true)
            .WithPortBinding(HttpPort, true)
            .WithLabel(ContainerLeftovers.LabelKey, ContainerLeftovers.LabelValue)
            .WithCreateParameterModifier(parameters =>
            {
                foreach (var binding in parameters.HostConfig?.PortBindings?.Values.SelectMany(bindings => bindings) ?? [])
                {
                    binding.HostIP = "127.0.0.1";
                }

                // Test stays empty: Docker then takes the image's own HEALTHCHECK command.
                parameters.Healthcheck = new HealthcheckConfig
                {
                    Interval = TimeSpan.FromMilliseconds(500),
                    Timeout = TimeSpan.FromSeconds(5),
                    Retries = 3,
                };
            })
            .WithWaitStrategy(Wait.ForUnixContainer()
                .UntilMessageIsLogged("Application started",
                    wait => wait.WithInterval(TimeSpan.FromMilliseconds(100)).WithTimeout(StartTimeout))
                .UntilContainerIsHealthy(3,
                    wait => wait.WithInterval(TimeSpan.FromMilliseconds(100)).WithTimeout(StartTimeout)))
            .WithLogger(_log);
        if (onNetwork)
        {
            // Short keep-alive for the shared server, so a peer cut off the network is found within seconds
            // (2 s idle + 3 probes 1 s apart); healthy peers answer the probes and notice nothing.
            builder = builder.WithNetwork(Network).WithNetworkAliases(alias)
                .WithEnvironment("Chat__KeepAliveTime", "00:00:02")
                .WithEnvironment("Chat__KeepAliveInterval", "00:00:01");
        }

        if (hostEnvironment is not null)
        {
            builder = builder.WithEnvironment("DOTNET_ENVIRONMENT", hostEnvironment);
        }

        if (environment is not null)
        {
            builder = builder.WithEnvironment(environment);
        }

        return await StartTrackedAsync(builder.Build(), ct);
    }

    /// <summary>Starts the console client image in --simulate mode on the network, aimed at the shared server by its alias.</summary>
    public async Task<IContainer> StartSimulatorAsync(string nickPrefix, CancellationToken ct, string interval = "1s")
    {
        var image = await Images.ClientAsync(ct);
        var container = new ContainerBuilder(image)
            .WithNetwork(Network)
            .WithCommand("--simulate", "--host", ServerAlias, "--port", ChatPort.ToString(CultureInfo.InvariantCulture),
                "--interval", interval, "--nick-prefix", nickPrefix)
            .WithLabel(ContainerLeftovers.LabelKey, ContainerLeftovers.LabelValue)
            .WithLogger(_log)
            .Build();
        return await StartTrackedAsync(container, ct);
    }

    /// <summary>
    /// Starts Redis on the network as <paramref name="alias"/>, from the official image when the engine has it or can
    /// pull it, else from the local stand-in of docker/build-local-redis.sh (which .ci/containers builds).
    /// </summary>
    public async Task<IContainer> StartRedisAsync(string alias, CancellationToken ct)
    {
        var image = await ImageSettings.RedisImageAsync(Docker, _log, ct);
        SkipIf(image is null, $"no Redis image: {ImageSettings.OfficialRedisImage} cannot be pulled and {ImageSettings.LocalRedisImage} " +
                              "does not exist; build the stand-in with `bash docker/build-local-redis.sh` (or run `sudo bash .ci/containers`)");
        var container = new ContainerBuilder(image)
            .WithNetwork(Network)
            .WithNetworkAliases(alias)
            .WithCommand("redis-server", "--appendonly", "no", "--protected-mode", "no")
            .WithLabel(ContainerLeftovers.LabelKey, ContainerLeftovers.LabelValue)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Ready to accept connections",
                wait => wait.WithInterval(TimeSpan.FromMilliseconds(100)).WithTimeout(StartTimeout)))
            .WithLogger(_log)
            .Build();
        return await StartTrackedAsync(container, ct);
    }

    /// <summary>Removes a container now (the fixture would at the end anyway).</summary>
    public async Task RemoveAsync(IContainer container)
    {
        lock (_containers)
        {
            _containers.Remove(container);
        }

        await container.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(CleanupTimeout);
        var cleanup = new CleanupSteps(_log, cts.Token);
        List<IContainer> containers;
        lock (_containers)
        {
            containers = [.. _containers];
            _containers.Clear();
        }

        foreach (var container in containers)
        {
            await cleanup.AttemptAsync($"container {container.Name}", async () => await container.DisposeAsync());
        }

        if (_network is not null)
        {
            await cleanup.AttemptAsync($"network {_network.Name}", async () =>
            {
                await _network.DeleteAsync(cts.Token);
                await _network.DisposeAsync();
            });
        }

        if (_images is not null)
        {
            await _images.DeleteAsync(cleanup);
        }

        _docker?.Dispose();
        if (SkipReason is null)
        {
            _log.Report(cleanup.Failures == 0 ? "removed every container, network and image of this run" : $"{cleanup.Failures} cleanup step(s) failed");
        }
    }

    /// <summary>
    /// Skips the calling test when <paramref name="missing"/>, with the one "SKIPPED:" line in the output that every
    /// missing prerequisite gets (<paramref name="reason"/>: what is missing and the command that provides it).
    /// </summary>
    public void SkipIf([DoesNotReturnIf(true)] bool missing, string reason)
    {
        if (missing)
        {
            _log.Report($"SKIPPED: {reason}");
            throw new SkipException(reason);
        }
    }

    /// <summary>State, exit code and logs of a container, for failure messages.</summary>
    public async Task<string> DescribeAsync(IContainer container)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var state = (await Docker.Containers.InspectContainerAsync(container.Id, cts.Token)).State;
            var (stdout, stderr) = await container.GetLogsAsync(ct: cts.Token);
            return $"{Environment.NewLine}container {container.Name}: {state?.Status}, exit code {state?.ExitCode}" +
                   $"{Environment.NewLine}--- stdout ---{Environment.NewLine}{stdout}--- stderr ---{Environment.NewLine}{stderr}";
        }
        catch (Exception e) when (e is DockerApiException or InvalidOperationException or OperationCanceledException)
        {
            return $"{Environment.NewLine}(no state or logs of {container.Name}: {e.Message})";
        }
    }

    /// <summary>The engine Testcontainers would use, if it answers; a <see cref="SkipException"/> naming the fix if not.</summary>
    private static async Task<DockerClient> ConnectAsync(CancellationToken ct)
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        DockerClient? docker = null;
        try
        {
            // Testcontainers looks for an engine once, when first asked, and finds none where nothing answers.
            var config = TestcontainersSettings.OS.DockerEndpointAuthConfig
                         ?? throw NoEngine(endpoint, "Testcontainers found none");
            docker = config.GetDockerClientBuilder(Guid.NewGuid()).Build();
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ping.CancelAfter(PingTimeout);
            await docker.System.PingAsync(ping.Token);
            return docker;
        }
        catch (Exception e) when (e is not (SkipException or OutOfMemoryException))
        {
            docker?.Dispose();
            throw NoEngine(endpoint, (e.InnerException ?? e).Message.Trim());
        }
    }

    private static SkipException NoEngine(string endpoint, string detail) =>
        new($"no Docker engine answers at {endpoint} ({detail}). Install and start one: `sudo bash .ci/containers` " +
            "(Debian's docker.io), or start Docker yourself.");

    private async Task<IContainer> StartTrackedAsync(IContainer container, CancellationToken ct)
    {
        lock (_containers)
        {
            _containers.Add(container);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        try
        {
            await container.StartAsync(timeout.Token);
            return container;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"container of {container.Image.FullName} did not start: {e.Message}" +
                                                await DescribeAsync(container), e);
        }
    }

    private T Ready<T>(T? value) where T : class =>
        SkipReason is not null ? throw new SkipException(SkipReason)
        : value ?? throw new InvalidOperationException("the fixture has not been initialised");
}
