using System.Globalization;
using ChatRoom.Backplane.Tests.Harness;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Backplane.Tests;

/// <summary>Several servers on one Redis are one room: one order for everyone, whichever server each client is on.</summary>
[Collection(BackplaneCollectionDefinition.Name)]
public sealed class OneOrderTests(RedisInstallation redis)
{
    private const int LinesPerSender = 40;

    [SkippableFact]
    public async Task EveryClientOnEveryServerSeesEveryLineInTheSameOrderWhileEveryServerHasASender()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 3, "Flood:Burst=100");
        var senders = new TestChatClient[3];
        var readers = new TestChatClient[3];
        for (var i = 0; i < 3; i++)
        {
            senders[i] = await room.Servers[i].JoinAsync($"sender{i}");
            readers[i] = await room.Servers[i].ConnectAsync($"reader{i}");
            if (i == 2)
            {
                await readers[i].JoinStructuredAsync($"reader{i}");
            }
            else
            {
                await readers[i].JoinAsync($"reader{i}");
            }
        }

        var everyone = senders.Concat(readers).ToArray();
        foreach (var client in everyone.Where(c => c.Label != "reader2"))
        {
            await client.ReadUntilAsync("reader2 joined the chat!");
        }

        await Task.WhenAll(senders.Select((sender, i) => Task.Run(async () =>
        {
            for (var n = 0; n < LinesPerSender; n++)
            {
                await sender.SendLineAsync(string.Create(CultureInfo.InvariantCulture, $"line {n}"));
            }
        })));

        var seen = new List<string>[everyone.Length];
        for (var c = 0; c < everyone.Length; c++)
        {
            seen[c] = [];
            var structured = everyone[c].Label == "reader2";
            long lastId = 0;
            while (seen[c].Count < 3 * LinesPerSender)
            {
                if (structured)
                {
                    var message = await everyone[c].ExpectEventAsync(ChatEventKind.Message);
                    Assert.True(message.Id > lastId, $"ids must increase in the one order: {message.Id} after {lastId}");
                    lastId = message.Id!.Value;
                    seen[c].Add($"{message.From}: {message.Text}");
                }
                else
                {
                    seen[c].Add(await everyone[c].ReadLineAsync());
                }
            }
        }

        for (var c = 1; c < everyone.Length; c++)
        {
            Assert.Equal(seen[0], seen[c]);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Enumerable.Range(0, LinesPerSender).Select(n => $"sender{i}: line {n}"), seen[0].Where(line => line.StartsWith($"sender{i}:", StringComparison.Ordinal)));
        }

    }

    [SkippableFact]
    public async Task PrivateMessageCrossesServersToItsRecipientAloneAndUnknownNamesAreRefused()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        var carol = await room.Servers[1].JoinAsync("carol");
        await alice.ReadUntilAsync("carol joined the chat!");
        await bob.ReadUntilAsync("carol joined the chat!");

        await alice.SendLineAsync("/msg BOB just between us");
        await bob.ExpectLineAsync("[private] alice: just between us");
        await alice.ExpectLineAsync("[private to bob] just between us");

        await bob.SendLineAsync("/msg alice and back");
        await alice.ExpectLineAsync("[private] bob: and back");
        await bob.ExpectLineAsync("[private to alice] and back");

        await alice.SendLineAsync("/msg dave anyone?");
        await alice.ExpectLineAsync("ERR no such user 'dave'");

        // carol, on bob's server, saw none of it: the next thing she gets is what follows in the room.
        await alice.SendLineAsync("public again");
        await carol.ExpectLineAsync("alice: public again");
    }
}
