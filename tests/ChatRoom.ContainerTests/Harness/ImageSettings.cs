using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Which images the tests build from, taken from the environment or from what the engine has (docs/containers.md):
/// <list type="bullet">
/// <item><c>CHATROOM_RUNTIME_IMAGE</c>, the base: the mcr runtime-deps image when present, else the local stand-in from
/// docker/build-local-base.sh when present, else the mcr image if it can be pulled.</item>
/// <item><c>CHATROOM_SERVER_SDK_IMAGE</c> and <c>CHATROOM_CLIENT_SDK_IMAGE</c>, the SDK images of the <c>final</c>
/// target (the server's carries the Native AOT toolchain): mcr's when present, else the stand-ins from
/// docker/build-local-sdk.sh when present, else none.</item>
/// <item><c>CHATROOM_IMAGE_TARGET</c>: <c>prebuilt</c> (a host-side publish, which the tests make when it is missing or
/// stale) when this machine has the C toolchain the server's Native AOT publish links with, else <c>final</c> when
/// both SDK images are there.</item>
/// </list>
/// A prerequisite that cannot be had is a <see cref="SkipException"/> naming the command that provides it.
/// </summary>
public sealed record ImageSettings(string RepositoryRoot, string Target, string RuntimeImage, string? ServerSdkImage, string? ClientSdkImage)
{
    public const string McrRuntimeImage = "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra";
    public const string LocalRuntimeImage = "chatroom-runtime-deps:10.0-bookworm";
    public const string McrServerSdkImage = "mcr.microsoft.com/dotnet/sdk:10.0-noble-aot";
    public const string LocalServerSdkImage = "chatroom-sdk:10.0-bookworm-aot";
    public const string McrClientSdkImage = "mcr.microsoft.com/dotnet/sdk:10.0";
    public const string LocalClientSdkImage = "chatroom-sdk:10.0-bookworm";

    public const string OfficialRedisImage = "redis:7";
    public const string LocalRedisImage = "chatroom-redis:7-bookworm";

    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The C compilers the Native AOT publish links with, in the order the ILCompiler targets try them.</summary>
    private static readonly string[] CToolchains = ["clang", "gcc"];

    public bool IsPrebuilt => Target == "prebuilt";

    internal static async Task<ImageSettings> ResolveAsync(IDockerClient docker, MessageSinkLogger log, CancellationToken ct)
    {
        var root = CommonDirectoryPath.GetSolutionDirectory().DirectoryPath;
        var runtime = Setting("CHATROOM_RUNTIME_IMAGE")
                      ?? await FirstPresentAsync(docker, ct, McrRuntimeImage, LocalRuntimeImage)
                      ?? (await TryPullAsync(docker, McrRuntimeImage, log, ct) ? McrRuntimeImage : null)
                      ?? throw new SkipException(
                          $"no runtime base image: {LocalRuntimeImage} does not exist and {McrRuntimeImage} cannot be pulled. " +
                          "Build the stand-in with `sudo docker/build-local-base.sh` (or run `sudo bash .ci/containers`).");
        var serverSdk = Setting("CHATROOM_SERVER_SDK_IMAGE") ?? await FirstPresentAsync(docker, ct, McrServerSdkImage, LocalServerSdkImage);
        var clientSdk = Setting("CHATROOM_CLIENT_SDK_IMAGE") ?? await FirstPresentAsync(docker, ct, McrClientSdkImage, LocalClientSdkImage);

        var target = Setting("CHATROOM_IMAGE_TARGET") switch
        {
            "prebuilt" => "prebuilt",
            "final" when serverSdk is not null && clientSdk is not null => "final",
            "final" => throw new InvalidOperationException(
                $"CHATROOM_IMAGE_TARGET=final, but there is no {(serverSdk is null ? "server" : "client")} SDK image: " +
                "make the stand-ins with `bash docker/build-local-sdk.sh`, or set CHATROOM_SERVER_SDK_IMAGE and CHATROOM_CLIENT_SDK_IMAGE"),
            null when HostCToolchain() is not null => "prebuilt",
            null when serverSdk is not null && clientSdk is not null => "final",
            null => throw new SkipException(
                "no C toolchain for the server's Native AOT publish (neither clang nor gcc is on PATH) and no SDK images to " +
                "build in: install one with `sudo apt-get install clang`, or make the SDK stand-ins with `bash docker/build-local-sdk.sh`."),
            var other => throw new InvalidOperationException($"CHATROOM_IMAGE_TARGET={other}: use prebuilt or final"),
        };

        return new ImageSettings(root, target, runtime, serverSdk, clientSdk);
    }

    /// <summary>The Redis image to run: the official one when present or pullable, else the local stand-in, else null.</summary>
    internal static async Task<string?> RedisImageAsync(IDockerClient docker, MessageSinkLogger log, CancellationToken ct) =>
        await FirstPresentAsync(docker, ct, OfficialRedisImage, LocalRedisImage)
        ?? (await TryPullAsync(docker, OfficialRedisImage, log, ct) ? OfficialRedisImage : null);

    public override string ToString() =>
        $"target {Target} on {RuntimeImage}; SDK images: server {ServerSdkImage ?? "(none)"}, client {ClientSdkImage ?? "(none)"}";

    /// <summary>The first C compiler on PATH that the server's Native AOT publish would link with; null when there is none.</summary>
    private static string? HostCToolchain() =>
        CToolchains.FirstOrDefault(tool => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool))));

    private static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static async Task<string?> FirstPresentAsync(IDockerClient docker, CancellationToken ct, params string[] images)
    {
        foreach (var image in images)
        {
            try
            {
                await docker.Images.InspectImageAsync(image, ct);
                return image;
            }
            catch (DockerImageNotFoundException)
            {
            }
        }

        return null;
    }

    private static async Task<bool> TryPullAsync(IDockerClient docker, string image, MessageSinkLogger log, CancellationToken ct)
    {
        log.Report($"pulling {image} (at most {PullTimeout.TotalMinutes:0} minutes)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PullTimeout);
        var separator = image.LastIndexOf(':');
        try
        {
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image[..separator], Tag = image[(separator + 1)..] },
                null, new Progress<JSONMessage>(message =>
                {
                    // Layer by layer, without the byte counts of "Downloading" and "Extracting".
                    if (message.Status is { Length: > 0 } status && !status.StartsWith("Downloading", StringComparison.Ordinal)
                                                                 && !status.StartsWith("Extracting", StringComparison.Ordinal))
                    {
                        log.Report($"pull: {status} {message.ID}");
                    }
                }), timeout.Token);
            await docker.Images.InspectImageAsync(image, ct);
            return true;
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or HttpRequestException)
        {
            log.Report($"{image} cannot be pulled: {e.Message.Trim()}");
            return false;
        }
    }
}
