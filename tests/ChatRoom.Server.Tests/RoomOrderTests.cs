using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// docs/protocol.md, Ordering: the room has one order, and every client sees joins, leaves, renames and messages in
/// it, with ids increasing along it, however they race.
/// </summary>
public sealed class RoomOrderTests
{
    private const int MessagesPerTalker = 200;
    private const int Churners = 20;
    private const int Renames = 20;

    [Fact]
    public async Task JoinsLeavesAndRenamesRacingMessagesAreSeenByEveryoneInOneOrder()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Enabled=false");
        var witnesses = await server.JoinRoomAsync("witness1", "witness2");
        var structured = await server.ConnectAsync("witness3");
        var structuredJoin = await structured.JoinStructuredAsync("witness3");
        await witnesses.AllExpectLinesAsync("witness3 joined the chat!");
        var talkers = new[] { await server.JoinAsync("talker1"), await server.JoinAsync("talker2") };
        var renamer = await server.JoinAsync("renamer");

        // At once: two talkers, clients that join, rename and leave (by /quit or by a reset), and a member renaming.
        await Task.WhenAll(
            Task.Run(() => TalkAsync(talkers[0], "t1")),
            Task.Run(() => TalkAsync(talkers[1], "t2")),
            Task.Run(() => ChurnAsync(server)),
            Task.Run(() => RenameBackAndForthAsync(renamer)));

        // Every churner's leave has been said before the last word: the first witness reads up to the last of them.
        var seen = new List<string>();
        for (var left = 0; left < Churners;)
        {
            var line = await witnesses[0].ReadLineAsync();
            seen.Add(line);
            left += line.StartsWith("moved", StringComparison.Ordinal) && line.EndsWith(" left the chat!", StringComparison.Ordinal) ? 1 : 0;
        }

        await talkers[0].SendLineAsync("end");
        seen.AddRange(await witnesses[0].ReadUntilAsync("talker1: end"));
        var plain = await witnesses[1].ReadUntilAsync("talker1: end");
        var events = await ReadEventsUntilAsync(structured, "end");

        Assert.Equal(seen, plain);
        Assert.Equal(seen, events.Select(e => PlainText.Render(e, "witness3")));
        var ids = events.Select(e => e.Id!.Value).Prepend(structuredJoin.Id!.Value).ToList();
        Assert.True(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), $"ids out of the room's order: {string.Join(", ", ids)}");

        // What each one did is seen in the order it did it.
        foreach (var talker in (string[])["t1", "t2"])
        {
            Assert.Equal(
                Enumerable.Range(0, MessagesPerTalker).Select(i => $"{talker}.{i}"),
                seen.Where(line => line.StartsWith($"talker{talker[1]}: {talker}.", StringComparison.Ordinal)).Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
        }

        for (var c = 0; c < Churners; c++)
        {
            Assert.Equal(
                [$"churn{c} joined the chat!", $"churn{c} is now known as moved{c}", $"moved{c} left the chat!"],
                seen.Where(line => line.StartsWith($"churn{c} ", StringComparison.Ordinal) || line.StartsWith($"moved{c} ", StringComparison.Ordinal)));
        }

        Assert.Equal(Renames, seen.Count(line => line.StartsWith("renamer", StringComparison.Ordinal) && line.Contains(" is now known as ", StringComparison.Ordinal)));
    }

    private static async Task TalkAsync(TestChatClient talker, string prefix)
    {
        for (var i = 0; i < MessagesPerTalker; i += 10)
        {
            await talker.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(i, 10).Select(n => $"{prefix}.{n}\n"))));
            await Task.Yield();
        }
    }

    private static async Task ChurnAsync(TestChatServer server)
    {
        for (var c = 0; c < Churners; c++)
        {
            var churner = await server.JoinAsync($"churn{c}");
            await churner.SendLineAsync($"/nick moved{c}");
            await churner.ReadUntilAsync($"churn{c} is now known as moved{c}");
            if (c % 2 == 0)
            {
                await churner.SendLineAsync("/quit");
            }
            else
            {
                churner.Reset();
            }
        }
    }

    private static async Task RenameBackAndForthAsync(TestChatClient renamer)
    {
        for (var r = 0; r < Renames; r++)
        {
            var (from, to) = r % 2 == 0 ? ("renamer", "renamer2") : ("renamer2", "renamer");
            await renamer.SendLineAsync($"/nick {to}");
            await renamer.ReadUntilAsync($"{from} is now known as {to}");
        }
    }

    /// <summary>The structured client's room events up to and including talker1's <paramref name="lastText"/>.</summary>
    private static async Task<List<ChatEvent>> ReadEventsUntilAsync(TestChatClient client, string lastText)
    {
        var events = new List<ChatEvent>();
        ChatEvent received;
        do
        {
            received = await client.ReadEventAsync();
            events.Add(received);
        }
        while (!(received.Kind == ChatEventKind.Message && received.From == "talker1" && received.Text == lastText));

        return events[..^1];
    }
}
