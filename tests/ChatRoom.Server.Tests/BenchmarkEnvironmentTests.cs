using System.Text;
using ChatRoom.Server.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The Benchmark environment (<c>appsettings.Benchmark.json</c>) is how a load generator, ours or anyone's, measures
/// the server: one machine's clients send faster, and come from one address more often, than the guard rails let
/// people do.
/// </summary>
public sealed class BenchmarkEnvironmentTests
{
    [Fact]
    public async Task ASenderFarFasterThanAnyPersonIsNeitherDelayedNorWarned()
    {
        // In one write: fifty times the default burst, a hundred seconds' worth at the default rate.
        const int count = 1000;
        await using var server = await TestChatServer.StartInEnvironmentAsync("Benchmark");
        var room = await server.JoinRoomAsync("reader", "sender");
        var (reader, sender) = (room[0], room[1]);

        await sender.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"{i}\n"))));

        foreach (var client in (TestChatClient[])[reader, sender])
        {
            for (var i = 0; i < count; i++)
            {
                Assert.Equal($"sender: {i}", await client.ReadLineAsync());
            }
        }

        await sender.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task OneAddressMayOpenMoreConnectionsThanThePerAddressLimit()
    {
        // LimitLoopback counts these loopback clients as one address, as a container counts every client that Docker's
        // port forwarding brings in from the host. 100 is above the default limit of 64.
        const int count = 100;
        await using var server = await TestChatServer.StartInEnvironmentAsync("Benchmark", "LimitLoopback=true");

        for (var i = 0; i < count; i++)
        {
            await server.ConnectToNickPromptAsync();
        }
    }
}
