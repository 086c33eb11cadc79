using Docker.DotNet;
using DotNet.Testcontainers.Builders;

namespace ChatRoom.ContainerTests.Infrastructure;

/// <summary>
/// How the tests build the images, from the environment or from what the engine already has:
/// <list type="bullet">
/// <item><c>CHATROOM_IMAGE_TARGET</c>: <c>prebuilt</c> (package artifacts/server and artifacts/client, published on
/// the host by .ci/containers) or <c>final</c> (the Dockerfile's full build in the SDK image). Default: <c>final</c>
/// when the SDK image is present locally, else <c>prebuilt</c>.</item>
/// <item><c>CHATROOM_RUNTIME_IMAGE</c>: the base. Default: the mcr runtime-deps image when present locally, else the
/// local stand-in from docker/build-local-base.sh.</item>
/// <item><c>CHATROOM_SDK_IMAGE</c>: the SDK image of the full build (default mcr.microsoft.com/dotnet/sdk:10.0).</item>
/// </list>
/// </summary>
public sealed record ImageSettings(string RepositoryRoot, string Target, string RuntimeImage, string SdkImage)
{
    public const string McrRuntimeImage = "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra";
    public const string LocalRuntimeImage = "chatroom-runtime-deps:10.0-bookworm";
    public const string McrSdkImage = "mcr.microsoft.com/dotnet/sdk:10.0";

    public bool IsPrebuilt => Target == "prebuilt";

    public static async Task<ImageSettings> ResolveAsync(IDockerClient docker, CancellationToken ct)
    {
        var root = CommonDirectoryPath.GetSolutionDirectory().DirectoryPath;

        var sdk = Environment.GetEnvironmentVariable("CHATROOM_SDK_IMAGE") is { Length: > 0 } sdkSetting ? sdkSetting : McrSdkImage;

        string runtime;
        if (Environment.GetEnvironmentVariable("CHATROOM_RUNTIME_IMAGE") is { Length: > 0 } runtimeSetting)
        {
            runtime = runtimeSetting;
        }
        else if (await ExistsAsync(docker, McrRuntimeImage, ct).ConfigureAwait(false))
        {
            runtime = McrRuntimeImage;
        }
        else if (await ExistsAsync(docker, LocalRuntimeImage, ct).ConfigureAwait(false))
        {
            runtime = LocalRuntimeImage;
        }
        else
        {
            throw new InvalidOperationException(
                $"No runtime base image: neither {McrRuntimeImage} nor the local stand-in {LocalRuntimeImage} exists. " +
                "Run `bash .ci/containers` (it pulls the first or builds the second), or set CHATROOM_RUNTIME_IMAGE.");
        }

        var target = Environment.GetEnvironmentVariable("CHATROOM_IMAGE_TARGET") switch
        {
            null or "" => await ExistsAsync(docker, sdk, ct).ConfigureAwait(false) ? "final" : "prebuilt",
            "prebuilt" => "prebuilt",
            "final" => "final",
            var other => throw new InvalidOperationException($"CHATROOM_IMAGE_TARGET={other}: use prebuilt or final"),
        };

        return new ImageSettings(root, target, runtime, sdk);
    }

    /// <summary>Fails clearly when the host-side publish output of the prebuilt target is missing.</summary>
    public void RequirePublished(string project, string executable)
    {
        if (!IsPrebuilt)
        {
            return;
        }

        var path = Path.Combine(RepositoryRoot, "artifacts", project, executable);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing: the prebuilt image target packages a host-side publish. Run `bash .ci/containers` " +
                "(or the dotnet publish command in docs/containers.md), or set CHATROOM_IMAGE_TARGET=final with an SDK image.");
        }
    }

    public override string ToString() =>
        IsPrebuilt ? $"target prebuilt on {RuntimeImage}" : $"target final ({SdkImage}) on {RuntimeImage}";

    private static async Task<bool> ExistsAsync(IDockerClient docker, string image, CancellationToken ct)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }
}
