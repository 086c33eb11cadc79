using System.Globalization;
using System.Text.RegularExpressions;
using ChatRoom.Dashboard.Tests.Harness;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// The AppHost's dashboard as a person sees it in a browser: the resources, the server's metrics, the traces of one
/// message, and the commands that let a person play: say, who, and the burst. Screenshots: artifacts/dashboard-tests/.
/// </summary>
[Collection(DashboardCollectionDefinition.Name)]
public sealed partial class AppHostDashboardTests(AppHostDashboardFixture fixture) : IClassFixture<AppHostDashboardFixture>
{
    private static readonly TimeSpan ChatTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Ten processes starting at once (each a `dotnet run`) on a busy machine take longer than one page's wait.</summary>
    private static readonly TimeSpan BurstTimeout = TimeSpan.FromMinutes(3);

    private static readonly LocatorAssertionsToHaveTextOptions BurstWait = new() { Timeout = (float)BurstTimeout.TotalMilliseconds };

    [SkippableFact]
    public async Task ResourcesPageShowsTheServerHealthyWithReadableLinksAndEverySimulatorRunning()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.ExpectResourceStateAsync("server", "Running");

        // The chat endpoint says how to join; the http one opens /health, which answers Healthy.
        var server = dashboard.ResourceRow("server");
        await Expect(server.GetByText(string.Create(CultureInfo.InvariantCulture, $"chat: nc 127.0.0.1 {fixture.AppHost.ChatPort}"))).ToBeVisibleAsync();
        var health = server.GetByRole(AriaRole.Link, new() { Name = "health: /health" });
        await Expect(health).ToHaveAttributeAsync("href", new Regex("^http://[^/]+/health$"));
        var healthPage = await dashboard.Page.Context.RunAndWaitForPageAsync(() => health.ClickAsync());
        await Expect(healthPage.Locator("body")).ToHaveTextAsync("Healthy");
        await healthPage.CloseAsync();

        await Expect(SimulatorRows(dashboard, "simulator")).ToHaveCountAsync(AppHostDashboardFixture.Simulators);
        await Expect(SimulatorRows(dashboard, "burst")).ToHaveCountAsync(AppHostDashboardFixture.BurstClients);
        foreach (var row in await SimulatorRows(dashboard, "simulator").AllAsync())
        {
            await Expect(row.GetByRole(AriaRole.Gridcell).Nth(1)).ToHaveTextAsync(new Regex(@"^\s*Running\s*$"), DashboardPage.TextWait);
        }

        await dashboard.ScreenshotAsync("apphost-resources");

        // Healthy: the server's details say so (the AppHost polls its /health).
        await dashboard.ChooseMenuItemAsync("server", "View details");
        // The row of the details' property grid (the resource filter's popup has a "Health state" group too).
        var healthState = dashboard.Page.GetByRole(AriaRole.Row).Filter(new() { HasTextRegex = new Regex(@"^\s*Health state") });
        await Expect(healthState).ToContainTextAsync("Healthy", new() { Timeout = DashboardPage.TextWait.Timeout });
    }

    [SkippableFact]
    public async Task MetricsPageShowsOneUserPerSimulatorAndTheBroadcastLatencyChart()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.ExpectLatestMetricValueAsync("server", "ChatRoom.Server", "chatroom.user.count", Number(AppHostDashboardFixture.Simulators), DashboardPage.WaitTimeout);

        await dashboard.OpenMetricAsync("server", "ChatRoom.Server", "chatroom.broadcast.duration", table: false);
        foreach (var percentile in new[] { "P50 Seconds", "P90 Seconds", "P99 Seconds" })
        {
            await Expect(dashboard.Page.GetByText(percentile, new() { Exact = true })).ToBeVisibleAsync(DashboardPage.VisibleWait);
        }

        await dashboard.ScreenshotAsync("apphost-metrics");
    }

    [SkippableFact]
    public async Task TracesPageHoldsASendLobbyTraceThroughASimulatorAndTheServer()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.OpenTracesAsync("send lobby");
        var trace = dashboard.TraceRows("simulator: send lobby", "simulator-", "server (").First;
        await Expect(trace).ToBeVisibleAsync(DashboardPage.VisibleWait);
        await dashboard.ScreenshotAsync("apphost-traces");

        // The trace itself: spans of the bot (its send, and its receipt of its own line) and the server's broadcast.
        await trace.GetByRole(AriaRole.Gridcell).First.ClickAsync();
        await Expect(dashboard.Page).ToHaveURLAsync(new Regex("/traces/detail/"));
        await Expect(dashboard.SpanRows(new Regex("^server$"))).ToHaveCountAsync(1, new() { Timeout = DashboardPage.TextWait.Timeout });
        await Expect(dashboard.SpanRows(new Regex("^simulator-[a-z0-9]+$")).First).ToBeVisibleAsync(DashboardPage.VisibleWait);
        await dashboard.ScreenshotAsync("apphost-trace-detail");
    }

    [SkippableFact]
    public async Task SayPostsTheTextToTheRoomAsTheDashboardUserAndWhoListsWhoIsThere()
    {
        var nick = $"watcher{Random.Shared.Next(1000, 10000)}";
        using var watcher = await TestChatClient.ConnectThroughProxyAsync(new Uri($"tcp://127.0.0.1:{fixture.AppHost.ChatPort}"), nick, ChatTimeout);
        await watcher.JoinStructuredAsync(nick);

        var dashboard = await fixture.OpenDashboardAsync();
        var server = dashboard.ResourceRow("server");
        await server.GetByLabel("Post a line to the room as the user 'dashboard'.").ClickAsync();
        await dashboard.Page.Locator("#interactions-input-dialog fluent-text-input input").FillAsync("hello from the browser");
        await dashboard.DialogButton("Say").ClickAsync();
        await watcher.WaitForEventAsync(e => e is { Kind: ChatEventKind.Message, From: "dashboard", Text: "hello from the browser" },
            "the dashboard's line", ChatTimeout);

        // The answer opens at once, one nickname a line: the watcher and every simulator, not the dashboard itself.
        await server.GetByLabel("Show who is in the room (the answer to /who).").ClickAsync();
        var answer = dashboard.Page.Locator("fluent-dialog").Filter(new() { HasText = "Who is here" });
        await Expect(answer).ToContainTextAsync(nick, new() { Timeout = DashboardPage.TextWait.Timeout });
        var lines = (await answer.InnerTextAsync()).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal(AppHostDashboardFixture.Simulators, lines.Count(line => SimulatorNick().IsMatch(line)));
        Assert.DoesNotContain("dashboard", lines);
        await dashboard.ScreenshotAsync("apphost-who");
    }

    [SkippableFact]
    public async Task StartBurstBringsItsFastSimulatorsIntoTheRoomAndStopBurstTakesThemOut()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.RunMenuCommandAsync("server", "Start burst", BurstTimeout);
        try
        {
            foreach (var row in await SimulatorRows(dashboard, "burst").AllAsync())
            {
                await Expect(row.GetByRole(AriaRole.Gridcell).Nth(1)).ToHaveTextAsync(new Regex(@"^\s*Running\s*$"), BurstWait);
            }

            await dashboard.ScreenshotAsync("apphost-burst");
            await dashboard.ExpectLatestMetricValueAsync("server", "ChatRoom.Server", "chatroom.user.count",
                Number(AppHostDashboardFixture.Simulators + AppHostDashboardFixture.BurstClients), BurstTimeout);
        }
        finally
        {
            // Stopped whatever happened, so the other tests see the room of the simulators alone.
            await dashboard.GotoAsync("/");
            await dashboard.RunMenuCommandAsync("server", "Stop burst", BurstTimeout);
        }

        foreach (var row in await SimulatorRows(dashboard, "burst").AllAsync())
        {
            await Expect(row.GetByRole(AriaRole.Gridcell).Nth(1)).Not.ToHaveTextAsync(new Regex(@"^\s*(Running|Starting)\s*$"), BurstWait);
        }

        await dashboard.ExpectLatestMetricValueAsync("server", "ChatRoom.Server", "chatroom.user.count", Number(AppHostDashboardFixture.Simulators), DashboardPage.WaitTimeout);
    }

    private static ILocator SimulatorRows(DashboardPage dashboard, string resource) =>
        dashboard.Page.GetByRole(AriaRole.Row).Filter(new() { Has = dashboard.Page.GetByLabel(new Regex($"^Project: {resource}-[a-z0-9]+$")) });

    private static Regex Number(int value) => new($"^\\s*{value}\\s*$");

    [GeneratedRegex(@"^sim-\d+$")]
    private static partial Regex SimulatorNick();
}
