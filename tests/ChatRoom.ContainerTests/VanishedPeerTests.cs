using System.Diagnostics;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests;

/// <summary>
/// A peer that vanishes without FIN or RST (its container cut off the network: no packet ever comes back) is found and
/// announced as gone within the keep-alive bound, in a quiet room (keep-alive probes) and in a busy one (unacknowledged
/// broadcasts, bounded by TCP_USER_TIMEOUT). On loopback this cannot happen, hence containers.
/// </summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed class VanishedPeerTests(ChatServerFixture fixture, ITestOutputHelper output)
{
    // The shared server's keep-alive: 2 s idle + 3 probes 1 s apart = 5 s; the rest is slack for a loaded machine.
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(12);

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PeerCutOffTheNetworkIsAnnouncedAsGoneWithinTheKeepAliveBound(bool busyRoom)
    {
        var prefix = "gone" + Guid.NewGuid().ToString("N")[..4];
        await using var observer = await TestChatClient.ConnectAndJoinAsync(
            fixture.Server.Hostname, fixture.Server.GetMappedPublicPort(ChatServerFixture.ChatPort), "watch-" + prefix);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // includes building the client image once
        // An interval of an hour: the bot joins and then stays silent, so only the server ever sends to it.
        var peer = await fixture.StartSimulatorAsync(prefix, cts.Token, interval: "1h");
        try
        {
            var joined = await observer.WaitForLineAsync(line => line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith(" joined the chat!", StringComparison.Ordinal),
                $"a {prefix}* nick joining", TimeSpan.FromSeconds(60));
            var nick = joined[..joined.IndexOf(' ', StringComparison.Ordinal)];

            await fixture.Docker.Networks.DisconnectNetworkAsync(fixture.Network.Name,
                new NetworkDisconnectParameters { Container = peer.Id, Force = true }, cts.Token);
            var cut = Stopwatch.StartNew();
            using var chatter = new CancellationTokenSource();
            var talking = busyRoom ? TalkAsync(observer, chatter.Token) : Task.CompletedTask;

            await observer.WaitForLineAsync(line => line == $"{nick} left the chat!", $"{nick} announced as gone", DetectionBound + TimeSpan.FromSeconds(5));
            var detected = cut.Elapsed;
            await chatter.CancelAsync();
            await talking;
            output.WriteLine($"{(busyRoom ? "busy" : "quiet")} room: vanished peer announced as gone {detected.TotalSeconds:0.0} s after it was cut off");
            Assert.InRange(detected, TimeSpan.Zero, DetectionBound);
        }
        finally
        {
            await fixture.RemoveAsync(peer);
        }
    }

    /// <summary>A line every 200 ms, so the server always has broadcasts in flight to the vanished peer.</summary>
    private static async Task TalkAsync(TestChatClient observer, CancellationToken ct)
    {
        try
        {
            for (var i = 0; !ct.IsCancellationRequested; i++)
            {
                await observer.SendLineAsync($"still talking {i}");
                await Task.Delay(200, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
