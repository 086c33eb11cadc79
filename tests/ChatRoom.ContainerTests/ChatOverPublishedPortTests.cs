using System.Globalization;
using System.Net;
using System.Text;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;

namespace ChatRoom.ContainerTests;

/// <summary>
/// What chat users rely on, against the real server image over the ports Docker publishes on the host, exactly as
/// `nc 127.0.0.1 55555` would reach a `docker run -p 55555:55555` container.
/// </summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed class ChatOverPublishedPortTests(ChatServerFixture fixture)
{
    private string Host => fixture.Server.Hostname;

    private int Port => fixture.Server.GetMappedPublicPort(ChatServerFixture.ChatPort);

    [SkippableFact]
    public async Task MappedPortsAreReachedOverLoopback()
    {
        // Docker published each port once, on 127.0.0.1: not on the host's other addresses.
        var published = (await fixture.Docker.Containers.InspectContainerAsync(fixture.Server.Id)).NetworkSettings?.Ports;
        Assert.NotNull(published);
        foreach (var port in (int[])[ChatServerFixture.ChatPort, ChatServerFixture.HttpPort])
        {
            var binding = Assert.Single(published[$"{port}/tcp"]);
            Assert.Equal(("127.0.0.1", fixture.Server.GetMappedPublicPort(port)), (binding.HostIP, int.Parse(binding.HostPort, CultureInfo.InvariantCulture)));
        }

        // And 127.0.0.1 itself, not a name the test environment resolves, reaches the server: it asks for a nickname.
        await using var client = await TestChatClient.ConnectAsync(IPAddress.Loopback.ToString(), Port, "loopback");
        await client.WaitForLineAsync(line => line == "NICK", "the NICK prompt");
    }

    [SkippableFact]
    public async Task SeveralClientsJoinAndEveryoneSeesEachJoinInOrder()
    {
        var nicks = Enumerable.Range(1, 4).Select(i => NewNick($"join{i}")).ToArray();
        await using var first = await TestChatClient.ConnectAndJoinAsync(Host, Port, nicks[0]);
        var others = new List<TestChatClient>();
        try
        {
            foreach (var nick in nicks[1..])
            {
                others.Add(await TestChatClient.ConnectAndJoinAsync(Host, Port, nick));
            }

            // The first one sees the others join, in the order they joined.
            foreach (var nick in nicks[1..])
            {
                await first.WaitForLineAsync(line => line == $"{nick} joined the chat!", $"{nick}'s join");
            }

            await first.SendLineAsync("/who");
            var who = await first.WaitForLineAsync(line => line.StartsWith("Users here (", StringComparison.Ordinal), "the /who reply");
            var listed = who[(who.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(',', StringSplitOptions.TrimEntries);
            Assert.Equal(nicks, listed.Where(nicks.Contains));
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task MessagesFromSeveralSendersReachEveryoneInOneOrder()
    {
        const int perSender = 15;
        var nicks = Enumerable.Range(1, 3).Select(i => NewNick($"order{i}")).ToArray();
        var clients = new List<TestChatClient>();
        try
        {
            foreach (var nick in nicks)
            {
                clients.Add(await TestChatClient.ConnectAndJoinAsync(Host, Port, nick));
            }

            // Everyone sends at once, so the senders' lines interleave at the server.
            await Task.WhenAll(clients.Select(async client =>
            {
                for (var i = 0; i < perSender; i++)
                {
                    await client.SendLineAsync($"m{i}");
                }
            }));

            var total = perSender * nicks.Length;
            var seen = await Task.WhenAll(clients.Select(client => CollectMessagesAsync(client, nicks, total)));

            foreach (var sequence in seen[1..])
            {
                Assert.Equal(seen[0], sequence);
            }

            // And each sender's own lines keep the order it sent them in.
            foreach (var nick in nicks)
            {
                var mine = seen[0].Where(line => line.StartsWith($"{nick}: ", StringComparison.Ordinal)).ToList();
                Assert.Equal(Enumerable.Range(0, perSender).Select(i => $"{nick}: m{i}"), mine);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task PrivateMessageReachesOnlyItsTarget()
    {
        var (aliceNick, bobNick, carolNick) = (NewNick("alice"), NewNick("bob"), NewNick("carol"));
        await using var alice = await TestChatClient.ConnectAndJoinAsync(Host, Port, aliceNick);
        await using var bob = await TestChatClient.ConnectAndJoinAsync(Host, Port, bobNick);
        await using var carol = await TestChatClient.ConnectAndJoinAsync(Host, Port, carolNick);

        await alice.SendLineAsync($"/msg {bobNick} just between us");
        await alice.SendLineAsync("public after");

        await bob.WaitForLineAsync(line => line == $"[private] {aliceNick}: just between us", "the private message");
        await alice.WaitForLineAsync(line => line == $"[private to {bobNick}] just between us", "the sender's copy");

        // Carol gets the public line that followed, and nothing of the private one before it.
        var carolSaw = await carol.ReadUntilAsync(line => line == $"{aliceNick}: public after", "the public line");
        Assert.DoesNotContain(carolSaw, line => line.Contains("just between us", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task DroppingTheConnectionIsAnnouncedAsLeaving()
    {
        var (stayNick, dropNick, quitNick) = (NewNick("stay"), NewNick("drop"), NewNick("quit"));
        await using var stay = await TestChatClient.ConnectAndJoinAsync(Host, Port, stayNick);
        var drop = await TestChatClient.ConnectAndJoinAsync(Host, Port, dropNick);
        var quit = await TestChatClient.ConnectAndJoinAsync(Host, Port, quitNick);

        await drop.DisposeAsync(); // no /quit: the socket just closes
        await stay.WaitForLineAsync(line => line == $"{dropNick} left the chat!", "the dropped client's leave");

        await quit.SendLineAsync("/quit bye");
        var beforeClose = await quit.ReadToEndAsync(TestChatClient.DefaultTimeout); // the server closes the connection
        Assert.DoesNotContain(beforeClose, line => line.StartsWith("ERR", StringComparison.Ordinal));
        await quit.DisposeAsync();
        await stay.WaitForLineAsync(line => line == $"{quitNick} left the chat!", "the quitting client's leave");
    }

    [SkippableFact]
    public async Task BadInputIsRefusedAndNeverReachesTheOthers()
    {
        var (senderNick, readerNick) = (NewNick("bad"), NewNick("reader"));
        await using var sender = await TestChatClient.ConnectAndJoinAsync(Host, Port, senderNick);
        await using var reader = await TestChatClient.ConnectAndJoinAsync(Host, Port, readerNick);

        await sender.SendLineAsync(new string('x', 5000));
        await sender.WaitForLineAsync(line => line == "ERR line is longer than 4096 bytes", "the line-too-long error");

        await sender.SendRawAsync(new byte[] { 0xFF, 0xFE, (byte)'\n' });
        await sender.WaitForLineAsync(line => line == "ERR line is not valid UTF-8", "the invalid UTF-8 error");

        await sender.SendLineAsync("\u001b[31mred");
        await sender.WaitForLineAsync(line => line == "ERR line contains control characters", "the control character error");

        await sender.SendLineAsync("/nosuchcommand");
        await sender.WaitForLineAsync(line => line.StartsWith("ERR unknown command", StringComparison.Ordinal), "the unknown command error");

        // The connection carries on, and the reader saw only the good line.
        await sender.SendLineAsync("still here");
        await sender.WaitForLineAsync(line => line == $"{senderNick}: still here", "its own good line");
        var readerSaw = await reader.ReadUntilAsync(line => line == $"{senderNick}: still here", "the good line");
        Assert.DoesNotContain(readerSaw, line => line.Contains("xxxx", StringComparison.Ordinal) || line.Contains("31mred", StringComparison.Ordinal) || line.StartsWith("ERR", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task RefusedNicknameIsAskedForAgain()
    {
        var taken = NewNick("taken");
        await using var holder = await TestChatClient.ConnectAndJoinAsync(Host, Port, taken);
        await using var newcomer = await TestChatClient.ConnectAsync(Host, Port, "newcomer");

        await newcomer.WaitForLineAsync(line => line == "NICK", "the NICK prompt");
        await newcomer.SendLineAsync("bad nick");
        await newcomer.WaitForLineAsync(line => line.StartsWith("ERR ", StringComparison.Ordinal), "the refusal of a nickname with a space");
        await newcomer.WaitForLineAsync(line => line == "NICK", "the prompt again");
        await newcomer.SendLineAsync(taken.ToUpperInvariant());
        await newcomer.WaitForLineAsync(line => line == $"ERR nickname '{taken.ToUpperInvariant()}' is already in use", "the in-use refusal");
        await newcomer.WaitForLineAsync(line => line == "NICK", "the prompt again");
    }

    [SkippableFact]
    public async Task HealthEndpointsAnswerOnThePublishedHealthPort()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var port = fixture.Server.GetMappedPublicPort(ChatServerFixture.HttpPort);
        foreach (var path in new[] { "/health", "/alive" })
        {
            using var response = await http.GetAsync(new Uri($"http://{Host}:{port}{path}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Reads until <paramref name="count"/> messages of the given senders arrived; returns them in arrival order.</summary>
    private static async Task<List<string>> CollectMessagesAsync(TestChatClient client, string[] senders, int count)
    {
        var messages = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            var line = await client.TryReadLineAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1))
                       ?? throw new TimeoutException($"{client.Label}: {messages.Count} of {count} messages within 20 s");
            if (senders.Any(nick => line.StartsWith($"{nick}: ", StringComparison.Ordinal)))
            {
                messages.Add(line);
            }
        }

        return messages;
    }

    private static string NewNick(string prefix) =>
        new StringBuilder(prefix).Append('-').Append(Guid.NewGuid().ToString("N")[..6]).ToString();
}
