using ChatRoom.Dashboard.Tests.Harness;
using Xunit.Abstractions;

namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// Once for the AppHost's dashboard tests: Chromium, and the AppHost started as a person starts it (its default
/// settings: 5 simulators, a burst of 10 not started), its dashboard logged into through the console's link, and
/// the server shown Running on the resources page. Without Chromium every member throws a
/// <see cref="SkipException"/> naming what is missing.
/// </summary>
public sealed class AppHostDashboardFixture(IMessageSink sink) : IAsyncLifetime
{
    /// <summary>The AppHost's defaults (ChatRoom.AppHost/appsettings.json).</summary>
    public const int Simulators = 5;
    public const int BurstClients = 10;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private Chromium? _browser;
    private AppHostRun? _appHost;

    public ProgressLog Log { get; } = new(sink);

    public string? SkipReason { get; private set; }

    public AppHostRun AppHost => Ready(_appHost);

    public async Task InitializeAsync()
    {
        SkipReason = Chromium.SkipReason;
        if (SkipReason is not null)
        {
            Log.Report($"SKIPPED: {SkipReason}");
            return;
        }

        _browser = await Chromium.LaunchAsync();
        _appHost = await AppHostRun.StartAsync(Log, StartTimeout);
        var dashboard = await OpenDashboardAsync();
        await dashboard.ExpectResourceStateAsync("server", "Running");
        Log.Report("the resources page shows the server Running");
        await dashboard.Page.Context.CloseAsync();
    }

    /// <summary>A new page, logged in with the console's link, on the resources page.</summary>
    public async Task<DashboardPage> OpenDashboardAsync()
    {
        var page = await Ready(_browser).NewPageAsync();
        await page.GotoAsync(AppHost.LoginUrl.ToString());
        return new DashboardPage(page, new Uri(AppHost.LoginUrl.GetLeftPart(UriPartial.Authority)));
    }

    public async Task DisposeAsync()
    {
        if (_appHost is not null)
        {
            await _appHost.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private T Ready<T>(T? value) where T : class
    {
        Skip.If(SkipReason is not null, SkipReason);
        return value ?? throw new InvalidOperationException("The fixture did not start; see its first failure.");
    }
}
