using System.Diagnostics;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>docs/configuration.md, Chat:MaxConnectionsPerAddress: an address holds its slots only while its connections last.</summary>
public sealed class AdmissionTests
{
    private const string TooMany = "ERR too many connections from your address";

    [Fact]
    public async Task PerAddressSlotIsFreedWhenItsConnectionEndsHoweverItEnds()
    {
        // One connection per address, loopback counted: each connection below must wait for the one before it to end.
        await using var server = await TestChatServer.StartAsync("LimitLoopback=true", "MaxConnectionsPerAddress=1", "HandshakeTimeout=00:00:01");
        var alice = await server.JoinAsync("alice");
        await ExpectRefusedAsync(await server.ConnectAsync("refused"));

        await alice.SendLineAsync("/quit");
        await alice.ExpectClosedAsync();
        var bob = await AdmittedOnceFreeAsync(server, "bob"); // a quit frees the slot, and the refusal held none
        await bob.SendLineAsync("bob");
        await bob.ExpectLinesAsync("Connected to the server!", "bob joined the chat!");

        bob.Reset();
        var silent = await AdmittedOnceFreeAsync(server, "silent"); // so does a reset

        await silent.ExpectLineAsync("ERR handshake timed out");
        await silent.ExpectClosedAsync();
        var carol = await AdmittedOnceFreeAsync(server, "carol"); // and a handshake that timed out
        await carol.SendLineAsync("carol");
        await carol.ExpectLinesAsync("Connected to the server!", "carol joined the chat!");
    }

    private static async Task ExpectRefusedAsync(TestChatClient client)
    {
        await client.ExpectLineAsync(TooMany);
        await client.ExpectClosedAsync();
    }

    /// <summary>
    /// Connects until the server admits (it prompts NICK). The slot is freed just after the old connection's socket
    /// closes, so a newcomer that races it may be refused; the newcomers after it are not, within a bound that starts now.
    /// </summary>
    private static async Task<TestChatClient> AdmittedOnceFreeAsync(TestChatServer server, string label)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var client = await server.ConnectAsync(label);
            var first = await client.ReadLineAsync();
            if (first == "NICK")
            {
                return client;
            }

            Assert.Equal(TooMany, first);
            await client.ExpectClosedAsync();
            Assert.True(waited.Elapsed < TestChatClient.DefaultTimeout, $"{label}: still refused {waited.Elapsed.TotalSeconds:0.0} s after the slot's connection ended");
            await Task.Delay(20);
        }
    }
}
