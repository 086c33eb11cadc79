using System.Text.RegularExpressions;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Client.Tests;

/// <summary>The real console client in <c>--simulate</c> mode: a bot that talks, survives a server restart, and stops cleanly.</summary>
public sealed partial class SimulatedClientTests
{
    private static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BotTalksRejoinsWhenTheServerComesBackAndLeavesCleanlyOnSigterm()
    {
        var first = await TestChatServer.StartAsync();
        var port = first.ChatPort;
        var watcher = await first.JoinAsync("watcher");
        using var bot = ClientProcess.Start(port, "--simulate", "--interval", "200ms", "--nick-prefix", "bot");

        var joined = await watcher.ReadLineAsync(RejoinTimeout);
        var nick = BotJoin().Match(joined) is { Success: true } match ? match.Groups["nick"].Value : throw new Xunit.Sdk.XunitException($"not a bot's join: {joined}");
        Assert.StartsWith($"{nick}: ", await watcher.ReadLineAsync(), StringComparison.Ordinal);

        // The server goes away (telling the bot) and comes back on the same port: the bot joins again by itself.
        await first.DisposeAsync();
        await using var second = await TestChatServer.StartAsync($"Port={port}");
        var returning = await second.JoinAsync("returning");
        // The bot may come back before "returning" joins (then its join is not among returning's lines) or after: it is
        // back when it speaks. Nothing else is said in this room.
        Match spoke;
        do
        {
            var line = await returning.ReadLineAsync(RejoinTimeout);
            Assert.True(BotJoin().IsMatch(line) || BotLine().IsMatch(line), $"neither the bot's join nor its words: {line}");
            spoke = BotLine().Match(line);
        }
        while (!spoke.Success);

        var again = spoke.Groups["nick"].Value;

        var result = await bot.TerminateAndWaitForExitAsync();

        result.AssertExitCode(0);
        await returning.ReadUntilAsync($"{again} left the chat!");
    }

    [GeneratedRegex(@"^(?<nick>bot-\d{4}) joined the chat!$")]
    private static partial Regex BotJoin();

    [GeneratedRegex(@"^(?<nick>bot-\d{4}): ")]
    private static partial Regex BotLine();
}
