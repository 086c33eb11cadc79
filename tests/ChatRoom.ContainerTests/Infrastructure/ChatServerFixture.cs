using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests.Infrastructure;

/// <summary>
/// Once per test run: builds the server image from the repository's Dockerfile, creates a network, and starts one
/// server container on it (alias <see cref="ServerAlias"/>, ports published on 127.0.0.1) that the tests share.
/// Tests may start more containers through it (a server to stop, a simulating client); at the end every container,
/// the network and every image it built are removed (Ryuk is off, so nothing else would).
/// </summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public const int ChatPort = 55555;
    public const int HttpPort = 55556;
    public const string ServerAlias = "chat-server";

    /// <summary>The full build restores from NuGet and publishes inside the SDK image: allow for a slow network.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);

    private readonly MessageSinkLogger _log;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly List<IContainer> _containers = [];
    private readonly Lock _clientImageGate = new();
    private Task<IFutureDockerImage>? _clientImageBuild;
    private IFutureDockerImage? _serverImage;
    private IFutureDockerImage? _clientImage;
    private INetwork? _network;
    private IContainer? _server;
    private DockerClient? _docker;
    private ImageSettings? _settings;
    private HashSet<string> _imagesBefore = [];

    public ChatServerFixture(IMessageSink sink) => _log = new MessageSinkLogger(sink);

    /// <summary>A client of the same engine Testcontainers uses, for what it has no API for (top, stop, inspect).</summary>
    public IDockerClient Docker => _docker ?? throw NotReady();

    public ImageSettings Settings => _settings ?? throw NotReady();

    public IFutureDockerImage ServerImage => _serverImage ?? throw NotReady();

    public IContainer Server => _server ?? throw NotReady();

    /// <summary>From `docker create` to the server logging "Application started" and Docker reporting it healthy.</summary>
    public TimeSpan ServerStartTime { get; private set; }

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(BuildTimeout + StartTimeout);
        var ct = cts.Token;

        _docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
        _imagesBefore = await ImageIdsAsync(ct);
        _settings = await ImageSettings.ResolveAsync(_docker, ct);
        _settings.RequirePublished("server", "ChatRoom.Server");
        _log.Report($"images: {_settings}");

        var stopwatch = Stopwatch.StartNew();
        _serverImage = BuildImage($"chatroom-server-tests:{_runId}", "Dockerfile");
        await _serverImage.CreateAsync(ct);
        _log.Report($"built {_serverImage.FullName} in {stopwatch.Elapsed.TotalSeconds:0.0} s");

        _network = new NetworkBuilder()
            .WithName($"chatroom-tests-{_runId}")
            .WithLabel(DockerTestEnvironment.LabelKey, DockerTestEnvironment.LabelValue)
            .WithLogger(_log)
            .Build();
        await _network.CreateAsync(ct);

        stopwatch.Restart();
        _server = await StartServerAsync(onNetwork: true, ct);
        ServerStartTime = stopwatch.Elapsed;
        _log.Report($"server container started and healthy in {ServerStartTime.TotalSeconds:0.00} s " +
                    $"(chat on {_server.Hostname}:{_server.GetMappedPublicPort(ChatPort)})");
    }

    /// <summary>
    /// Starts a server container of the image, its ports published on 127.0.0.1, and waits until it logs
    /// "Application started" (both listeners are bound by then) and its HEALTHCHECK passes. The image's health
    /// command is kept; only its interval is shortened so the wait is short. <paramref name="hostEnvironment"/>, when
    /// given, is the server's <c>DOTNET_ENVIRONMENT</c> (e.g. <c>Benchmark</c>).
    /// </summary>
    public async Task<IContainer> StartServerAsync(bool onNetwork, CancellationToken ct, string? hostEnvironment = null)
    {
        var builder = new ContainerBuilder(ServerImage)
            .WithPortBinding(ChatPort, true)
            .WithPortBinding(HttpPort, true)
            .WithLabel(DockerTestEnvironment.LabelKey, DockerTestEnvironment.LabelValue)
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
            builder = builder.WithNetwork(_network ?? throw NotReady()).WithNetworkAliases(ServerAlias)
                .WithEnvironment("Chat__KeepAliveTime", "00:00:02")
                .WithEnvironment("Chat__KeepAliveInterval", "00:00:01");
        }

        if (hostEnvironment is not null)
        {
            builder = builder.WithEnvironment("DOTNET_ENVIRONMENT", hostEnvironment);
        }

        return await StartTrackedAsync(builder.Build(), ct);
    }

    /// <summary>The Docker network the shared server and the simulators are on.</summary>
    public INetwork Network => _network ?? throw NotReady();

    /// <summary>Starts the console client image in --simulate mode on the network, aimed at the shared server by its alias.</summary>
    public async Task<IContainer> StartSimulatorAsync(string nickPrefix, CancellationToken ct, string interval = "1s")
    {
        Task<IFutureDockerImage> build;
        lock (_clientImageGate)
        {
            build = _clientImageBuild ??= BuildClientImageAsync();
        }

        var image = await build.WaitAsync(ct);
        var container = new ContainerBuilder(image)
            .WithNetwork(_network ?? throw NotReady())
            .WithCommand("--simulate", "--host", ServerAlias, "--port", ChatPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--interval", interval, "--nick-prefix", nickPrefix)
            .WithLabel(DockerTestEnvironment.LabelKey, DockerTestEnvironment.LabelValue)
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
        List<IContainer> containers;
        lock (_containers)
        {
            containers = [.. _containers];
            _containers.Clear();
        }

        var failures = new List<Exception>();
        async Task Attempt(string what, Func<Task> cleanup)
        {
            try
            {
                await cleanup().WaitAsync(cts.Token);
            }
            catch (Exception e) when (e is DockerApiException or OperationCanceledException or TimeoutException or HttpRequestException)
            {
                _log.Report($"cleanup of {what} failed: {e.Message}");
                failures.Add(e);
            }
        }

        foreach (var container in containers)
        {
            await Attempt($"container {container.Name}", async () => await container.DisposeAsync());
        }

        if (_network is not null)
        {
            await Attempt($"network {_network.Name}", async () =>
            {
                await _network.DeleteAsync(cts.Token);
                await _network.DisposeAsync();
            });
        }

        // Image.DisposeAsync alone keeps the image: delete it (with its intermediate layers) explicitly.
        foreach (var image in new[] { _clientImage, _serverImage })
        {
            if (image is not null)
            {
                await Attempt($"image {image.FullName}", async () =>
                {
                    await image.DeleteAsync(cts.Token);
                    await image.DisposeAsync();
                });
            }
        }

        if (_docker is not null)
        {
            await Attempt("the builder's intermediate images", () => RemoveBuilderLeftoversAsync(cts.Token));
        }

        _docker?.Dispose();
        _log.Report(failures.Count == 0 ? "removed every container, network and image of this run" : $"{failures.Count} cleanup step(s) failed");
    }

    /// <summary>
    /// The legacy builder keeps an untagged image per step as its cache. Those of the runtime stages go with the
    /// built image, but those of the SDK `build` stage (full build) would stay: remove every untagged image that
    /// appeared during this run, leaves first (deleting a leaf also prunes its untagged parents).
    /// </summary>
    private async Task RemoveBuilderLeftoversAsync(CancellationToken ct)
    {
        for (var round = 0; round < 50; round++)
        {
            var images = await Docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct);
            var ours = images
                .Where(image => !_imagesBefore.Contains(image.ID)
                                && (image.RepoTags is null || image.RepoTags.All(tag => tag == "<none>:<none>")))
                .ToList();
            var parents = images.Select(image => image.ParentID).ToHashSet();
            var leaves = ours.Where(image => !parents.Contains(image.ID)).ToList();
            if (leaves.Count == 0)
            {
                return;
            }

            foreach (var leaf in leaves)
            {
                await Docker.Images.DeleteImageAsync(leaf.ID, new ImageDeleteParameters(), ct);
            }
        }
    }

    private async Task<HashSet<string>> ImageIdsAsync(CancellationToken ct) =>
        (await Docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct)).Select(image => image.ID).ToHashSet();

    /// <summary>Built on first use, once: only the simulator test needs the client image.</summary>
    private async Task<IFutureDockerImage> BuildClientImageAsync()
    {
        Settings.RequirePublished("client", "ChatRoom.Client");
        var stopwatch = Stopwatch.StartNew();
        var image = BuildImage($"chatroom-client-tests:{_runId}", "Dockerfile.client");
        _clientImage = image; // deleted at the end even when the build fails half-way
        using var timeout = new CancellationTokenSource(BuildTimeout);
        await image.CreateAsync(timeout.Token);
        _log.Report($"built {image.FullName} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return image;
    }

    private IFutureDockerImage BuildImage(string name, string dockerfile) =>
        new ImageFromDockerfileBuilder()
            .WithName(name)
            // The Dockerfile directory is the context: the repository root, where .dockerignore is read.
            .WithDockerfileDirectory(Settings.RepositoryRoot)
            .WithDockerfile(dockerfile)
            .WithTarget(Settings.Target)
            .WithBuildArgument("RUNTIME_IMAGE", Settings.RuntimeImage)
            // Testcontainers pulls every FROM image before building, even of stages the target skips.
            .WithBuildArgument("SDK_IMAGE", Settings.IsPrebuilt ? Settings.RuntimeImage : Settings.SdkImage)
            .WithLabel(DockerTestEnvironment.LabelKey, DockerTestEnvironment.LabelValue)
            // A failed build must never pass by reusing an older image of the same name.
            .WithDeleteIfExists(true)
            // The legacy builder keeps the containers of failed RUN steps unless told otherwise.
            .WithCreateParameterModifier(parameters => parameters.ForceRemove = true)
            .WithLogger(_log)
            .Build();

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

    private static InvalidOperationException NotReady() => new("the fixture has not been initialised");
}
