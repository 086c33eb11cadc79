using System.Net;
using ChatRoom.Server.Options;

namespace ChatRoom.Server.Hosting;

/// <summary>
/// <c>ChatRoom.Server --health-check [config args]</c>: asks a running server's <c>/alive</c> endpoint and exits
/// with 0 when it answers with a success status, 1 otherwise. It is the container HEALTHCHECK, so the image needs
/// no shell, curl or wget (chiseled images have none). It reads the server's own configuration sources
/// (appsettings.json, environment, command line) to find <c>Chat:HttpPort</c>, and asks over loopback when the
/// server listens on every interface.
/// </summary>
public static class HealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = WebApplication.CreateSlimBuilder(ServerHostOptions.For(args)).Configuration;
        var section = configuration.GetSection(ChatOptions.SectionName);

        var address = ListenAddressAttribute.Parse(section[nameof(ChatOptions.Host)] ?? "127.0.0.1") ?? IPAddress.Loopback;
        if (address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        if (!int.TryParse(section[nameof(ChatOptions.HttpPort)] ?? "55556", out var port) || port is < 1 or > 65535)
        {
            await Console.Error.WriteLineAsync("unhealthy: Chat:HttpPort is not a fixed port, nothing to probe").ConfigureAwait(false);
            return 1;
        }

        var uri = new Uri($"http://{new IPEndPoint(address, port)}/alive");
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(uri).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await Console.Out.WriteLineAsync($"healthy: {uri} answered {(int)response.StatusCode}").ConfigureAwait(false);
                return 0;
            }

            await Console.Error.WriteLineAsync($"unhealthy: {uri} answered {(int)response.StatusCode}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {uri}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
