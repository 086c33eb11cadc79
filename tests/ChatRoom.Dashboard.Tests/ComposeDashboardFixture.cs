using ChatRoom.Dashboard.Tests.Harness;
using Xunit.Abstractions;

namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// Once for the compose dashboard tests: Chromium, and the offline compose stack up (<see cref="ComposeRun"/>), its
/// standalone dashboard at <see cref="DashboardUrl"/> (anonymous, as the compose file sets it). Without Chromium, a
/// Docker engine or the images every member throws a <see cref="SkipException"/> naming what is missing.
/// </summary>
public sealed class ComposeDashboardFixture(IMessageSink sink) : IAsyncLifetime
{
    /// <summary>docker-compose.yml's simulator service: scale 3.</summary>
    public const int Simulators = 3;

    public static readonly Uri DashboardUrl = new("http://127.0.0.1:18888");

    private Chromium? _browser;
    private ComposeRun? _compose;

    public ProgressLog Log { get; } = new(sink);

    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        SkipReason = Chromium.SkipReason ?? await ComposeRun.FindSkipReasonAsync();
        if (SkipReason is not null)
        {
            Log.Report($"SKIPPED: {SkipReason}");
            return;
        }

        _browser = await Chromium.LaunchAsync();
        _compose = await ComposeRun.UpAsync(Log);
    }

    public async Task<DashboardPage> OpenDashboardAsync()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var page = await (_browser ?? throw new InvalidOperationException("The fixture did not start; see its first failure.")).NewPageAsync();
        return new DashboardPage(page, DashboardUrl);
    }

    public async Task DisposeAsync()
    {
        if (_compose is not null)
        {
            await _compose.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }
}
