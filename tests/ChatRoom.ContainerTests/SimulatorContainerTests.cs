using System.Text.RegularExpressions;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;

namespace ChatRoom.ContainerTests;

/// <summary>
/// The client image in --simulate mode, on a Docker network with the server container, reaching it by its network
/// alias (as compose services reach "server"); what it says arrives at a user connected from the host.
/// </summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed partial class SimulatorContainerTests(ChatServerFixture fixture)
{
    [SkippableFact]
    public async Task SimulatingClientContainerTalksThroughTheServerContainerByItsNetworkAlias()
    {
        var prefix = "sim" + Guid.NewGuid().ToString("N")[..4];
        var simulatorLine = SimulatorLine(prefix);
        await using var observer = await TestChatClient.ConnectAndJoinAsync(
            fixture.Server.Hostname, fixture.Server.GetMappedPublicPort(ChatServerFixture.ChatPort), "observer-" + prefix);

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // includes building the client image once
        var simulator = await fixture.StartSimulatorAsync(prefix, cts.Token);
        try
        {
            var timeout = TimeSpan.FromSeconds(30);
            string joined;
            try
            {
                joined = await observer.WaitForLineAsync(line => simulatorLine.Match(line) is { Success: true, Groups: var g } && g["what"].Value == " joined the chat!",
                    $"a {prefix}* nick joining", timeout);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new TimeoutException(e.Message + await fixture.DescribeAsync(simulator), e);
            }

            var nick = simulatorLine.Match(joined).Groups["nick"].Value;
            var said = await observer.WaitForLineAsync(line => line.StartsWith($"{nick}: ", StringComparison.Ordinal), $"a message from {nick}", timeout);
            Assert.Matches(@"^\S+: \S", said);

            // Removing the container drops its connection: the others see it leave.
            await fixture.RemoveAsync(simulator);
            await observer.WaitForLineAsync(line => line == $"{nick} left the chat!", $"{nick} leaving", timeout);
        }
        finally
        {
            await fixture.RemoveAsync(simulator);
        }
    }

    private static Regex SimulatorLine(string prefix) =>
        new($@"^(?<nick>{Regex.Escape(prefix)}[\p{{L}}\p{{N}}_.\-]*)(?<what> joined the chat!|: .*)$", RegexOptions.CultureInvariant);
}
