using Docker.DotNet;
using Docker.DotNet.Models;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// The one label on every container, network and image the tests create, and the one sweep for what a killed test
/// run left behind (Ryuk is off, so nothing else removes it). The sweep takes only what is older than
/// <see cref="StaleAfter"/>: a test run going on at the same time on the same engine keeps its own.
/// </summary>
internal static class ContainerLeftovers
{
    public const string LabelKey = "chatroom.tests";
    public const string LabelValue = "container-tests";

    /// <summary>Longer than any test run: the fixture removes what it made within minutes of making it.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Removes labelled containers, then networks, then images created more than <see cref="StaleAfter"/> ago. One that
    /// cannot be removed (an image another run still uses) is reported and left: the tests do not depend on it.
    /// </summary>
    public static async Task RemoveStaleAsync(IDockerClient docker, MessageSinkLogger log, CancellationToken ct)
    {
        var labelled = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{LabelKey}={LabelValue}"] = true },
        };
        var cutoff = DateTime.UtcNow - StaleAfter;

        async Task RemoveAsync(string what, Func<Task> remove)
        {
            try
            {
                await remove();
                log.Report($"removed {what}, left by an earlier test run");
            }
            catch (DockerApiException e)
            {
                log.Report($"could not remove {what}, left by an earlier test run: {e.Message.Trim()}");
            }
        }

        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = labelled }, ct);
        foreach (var container in containers.Where(container => container.Created.ToUniversalTime() < cutoff))
        {
            await RemoveAsync($"container {container.ID[..12]}",
                () => docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, ct));
        }

        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = labelled }, ct);
        foreach (var network in networks.Where(network => network.Created.ToUniversalTime() < cutoff))
        {
            await RemoveAsync($"network {network.Name}", () => docker.Networks.DeleteNetworkAsync(network.ID, ct));
        }

        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = labelled }, ct);
        foreach (var image in images.Where(image => image.Created.ToUniversalTime() < cutoff))
        {
            await RemoveAsync($"image {image.ID}",
                () => docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, ct));
        }
    }
}
