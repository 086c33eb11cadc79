using System.Text.RegularExpressions;
using ChatRoom.Dashboard.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// The offline compose stack's standalone dashboard (http://127.0.0.1:18888) as a person sees it: the compose server's
/// user count and broadcast latency, a message's trace through a simulator and the server, and each simulator as an
/// instance of its own. Screenshots: artifacts/dashboard-tests/.
/// </summary>
[Collection(DashboardCollectionDefinition.Name)]
public sealed partial class ComposeDashboardTests(ComposeDashboardFixture fixture) : IClassFixture<ComposeDashboardFixture>
{
    // The stack has just come up: the simulators join once the server is healthy, the count leaves every 5 s, and the
    // dashboard's metrics page, opened that early, now and then breaks for a minute before it shows a table.
    private static readonly TimeSpan FirstMetricTimeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task MetricsPageShowsOneUserPerComposeSimulatorAndTheBroadcastLatencyChart()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.ExpectLatestMetricValueAsync("chatroom-server", "ChatRoom.Server", "chatroom.user.count",
            new Regex($"^\\s*{ComposeDashboardFixture.Simulators}\\s*$"), FirstMetricTimeout);

        await dashboard.OpenMetricAsync("chatroom-server", "ChatRoom.Server", "chatroom.broadcast.duration", table: false);
        await Expect(dashboard.Page.GetByText("P99 Seconds", new() { Exact = true })).ToBeVisibleAsync(DashboardPage.VisibleWait);
        await dashboard.ScreenshotAsync("compose-metrics");
    }

    [SkippableFact]
    public async Task TracesPageHoldsASendLobbyTraceThroughASimulatorAndTheServer()
    {
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.OpenTracesAsync("send lobby");
        var trace = dashboard.TraceRows("chatroom-simulator: send lobby", "chatroom-simulator-", "chatroom-server (").First;
        await Expect(trace).ToBeVisibleAsync(DashboardPage.VisibleWait);
        await dashboard.ScreenshotAsync("compose-traces");
    }

    [SkippableFact]
    public async Task EachComposeSimulatorIsAnInstanceOfItsOwn()
    {
        // Compose gives the three replicas one environment; each process's own service.instance.id keeps them apart,
        // so the resource picker lists the service and, beneath it, one entry per simulator.
        var dashboard = await fixture.OpenDashboardAsync();
        await dashboard.OpenMetricAsync("chatroom-server", "ChatRoom.Server", "chatroom.user.count", table: true);
        await dashboard.Page.GetByRole(AriaRole.Combobox).First.ClickAsync();
        await Expect(dashboard.Page.GetByText(SimulatorInstance())).ToHaveCountAsync(ComposeDashboardFixture.Simulators, new() { Timeout = DashboardPage.TextWait.Timeout });
        await dashboard.ScreenshotAsync("compose-instances");
    }

    [GeneratedRegex(@"^chatroom-simulator-[0-9a-f]+$")]
    private static partial Regex SimulatorInstance();
}
