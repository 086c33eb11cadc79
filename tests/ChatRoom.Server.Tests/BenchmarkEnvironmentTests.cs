using System.Text;
using ChatRoom.Server.Connections;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

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
        // port forwarding brings in from the host. 100 is above the default limit of 64, which refuses the 65th.
        const int count = 100, limit = 64;
        await using (var standard = await TestChatServer.StartAsync("LimitLoopback=true"))
        {
            for (var i = 0; i < limit; i++)
            {
                await standard.ConnectToNickPromptAsync();
            }

            var refused = await standard.ConnectAsync("65th");
            await refused.ExpectLineAsync("ERR too many connections from your address");
            await refused.ExpectClosedAsync();
        }

        await using var server = await TestChatServer.StartInEnvironmentAsync("Benchmark", "LimitLoopback=true");

        var clients = new List<TestChatClient>();
        for (var i = 0; i < count; i++)
        {
            clients.Add(await server.ConnectToNickPromptAsync());
        }

        // All of them at once, each still served: the last is asked for a nickname again after a refused one.
        Assert.Equal(count, server.Services.GetRequiredService<ConnectionAdmission>().Open);
        await clients[^1].SendLineAsync("bad nick");
        await clients[^1].ExpectLinesAsync("ERR nickname may not contain spaces", "NICK");
    }
}
