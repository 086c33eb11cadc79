using System.Collections.Concurrent;
using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// The images the tests run, built from the repository's Dockerfiles at most once per test run each: the server and
/// client images of the configured target (for <c>prebuilt</c>, after bringing the host-side publish up to date) and
/// the server's <c>final</c> target. At the end <see cref="DeleteAsync"/> removes every image built here and the
/// legacy builder's intermediate images of this run.
/// </summary>
public sealed class TestImages
{
    /// <summary>A final build restores from NuGet and compiles ahead of time inside the SDK image.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private readonly ImageSettings _settings;
    private readonly IDockerClient _docker;
    private readonly MessageSinkLogger _log;
    private readonly string _runId;
    private readonly HashSet<string> _imagesBefore;
    private readonly ConcurrentDictionary<string, Lazy<Task<IFutureDockerImage>>> _builds = new();
    private readonly List<string> _built = [];

    private TestImages(ImageSettings settings, IDockerClient docker, MessageSinkLogger log, string runId, HashSet<string> imagesBefore)
    {
        _settings = settings;
        _docker = docker;
        _log = log;
        _runId = runId;
        _imagesBefore = imagesBefore;
    }

    internal static async Task<TestImages> CreateAsync(ImageSettings settings, IDockerClient docker, MessageSinkLogger log, string runId, CancellationToken ct)
    {
        var imagesBefore = (await docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct)).Select(image => image.ID).ToHashSet();
        return new TestImages(settings, docker, log, runId, imagesBefore);
    }

    public Task<IFutureDockerImage> ServerAsync(CancellationToken ct) =>
        OnceAsync("server", "Dockerfile", _settings.Target, _settings.ServerSdkImage, HostPublish.Server, ct);

    public Task<IFutureDockerImage> ClientAsync(CancellationToken ct) =>
        OnceAsync("client", "Dockerfile.client", _settings.Target, _settings.ClientSdkImage, HostPublish.Client, ct);

    /// <summary>The server's <c>final</c> target, compiled in <paramref name="sdkImage"/>: the tests' server image when that is final already.</summary>
    public Task<IFutureDockerImage> FinalServerAsync(string sdkImage, CancellationToken ct) =>
        !_settings.IsPrebuilt && _settings.ServerSdkImage == sdkImage
            ? ServerAsync(ct)
            : OnceAsync("server-final", "Dockerfile", "final", sdkImage, publish: null, ct);

    /// <summary>Builds a target that is expected to fail; returns the exception and everything the builder said.</summary>
    public async Task<(Exception? Error, string Output)> TryBuildAsync(string dockerfile, string target, string sdkImage, CancellationToken ct)
    {
        var name = $"chatroom-{target}-tests:{_runId}";
        var log = new BuildLog(name, _log);
        try
        {
            await BuildAsync(name, dockerfile, target, sdkImage, log, ct);
            return (null, log.Text);
        }
        catch (Exception e) when (e is ImageBuildFailedException or InvalidOperationException or DockerApiException)
        {
            return (e, log.Text);
        }
    }

    internal async Task DeleteAsync(CleanupSteps cleanup)
    {
        List<string> built;
        lock (_built)
        {
            built = [.. _built];
        }

        // Deleted by name: a build that failed half-way has no Testcontainers resource, and may have no image at all.
        foreach (var name in built)
        {
            await cleanup.AttemptAsync($"image {name}", async () =>
            {
                try
                {
                    await _docker.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = true }, cleanup.Token);
                }
                catch (DockerImageNotFoundException)
                {
                }
            });
        }

        await cleanup.AttemptAsync("the builder's intermediate images", () => RemoveBuilderLeftoversAsync(cleanup.Token));
    }

    private Task<IFutureDockerImage> OnceAsync(string key, string dockerfile, string target, string? sdkImage, HostPublish? publish, CancellationToken ct) =>
        _builds.GetOrAdd(key, _ => new Lazy<Task<IFutureDockerImage>>(async () =>
        {
            if (target == "prebuilt" && publish is not null)
            {
                await publish.EnsureCurrentAsync(_settings.RepositoryRoot, _log, CancellationToken.None);
            }

            var name = $"chatroom-{key}-tests:{_runId}";
            _log.Report($"building {name}: {dockerfile} --target {target} on {_settings.RuntimeImage}" +
                        (target == "final" ? $", compiled in {sdkImage}" : ""));
            var stopwatch = Stopwatch.StartNew();
            var log = new BuildLog(name, _log);
            try
            {
                var image = await BuildAsync(name, dockerfile, target, sdkImage, log, CancellationToken.None);
                _log.Report($"built {name} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
                return image;
            }
            catch (Exception e) when (e is ImageBuildFailedException or InvalidOperationException or DockerApiException)
            {
                throw new InvalidOperationException($"building {name} failed: {e.Message}{Environment.NewLine}{log.Text}", e);
            }
        })).Value.WaitAsync(ct);

    private async Task<IFutureDockerImage> BuildAsync(string name, string dockerfile, string target, string? sdkImage, BuildLog log, CancellationToken ct)
    {
        var image = new ImageFromDockerfileBuilder()
            .WithName(name)
            // The Dockerfile directory is the context: the repository root, where .dockerignore is read.
            .WithDockerfileDirectory(_settings.RepositoryRoot)
            .WithDockerfile(dockerfile)
            .WithTarget(target)
            .WithBuildArgument("RUNTIME_IMAGE", _settings.RuntimeImage)
            // Testcontainers pulls every FROM image before building, even of stages the target skips: a prebuilt
            // build never uses the SDK image, so it names one that is there.
            .WithBuildArgument("SDK_IMAGE", sdkImage ?? _settings.RuntimeImage)
            .WithLabel(ContainerLeftovers.LabelKey, ContainerLeftovers.LabelValue)
            // A failed build must never pass by reusing an older image of the same name.
            .WithDeleteIfExists(true)
            // The legacy builder keeps the containers of failed RUN steps unless told otherwise.
            .WithCreateParameterModifier(parameters => parameters.ForceRemove = true)
            .WithLogger(log)
            .Build();
        lock (_built)
        {
            _built.Add(name); // deleted at the end even when the build fails half-way
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(BuildTimeout);
        await image.CreateAsync(timeout.Token);
        return image;
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
            var images = await _docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct);
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
                await _docker.Images.DeleteImageAsync(leaf.ID, new ImageDeleteParameters(), ct);
            }
        }
    }
}
