using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>
/// What a person does on the Aspire dashboard, as Playwright steps on one page: open the resources, metrics and
/// traces pages, read a row, a metric's latest value, a trace's spans, press a command. Each wait is one of
/// Playwright's retrying assertions with <see cref="WaitTimeout"/>: it passes as soon as the page shows the thing,
/// and its failure message says what the page showed instead.
/// </summary>
public sealed partial class DashboardPage(IPage page, Uri baseUrl)
{
    /// <summary>Long enough for telemetry exported every few seconds to arrive and be drawn.</summary>
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MetricPageAttempt = TimeSpan.FromSeconds(15);

    public IPage Page => page;

    public static LocatorAssertionsToHaveTextOptions TextWait => new() { Timeout = (float)WaitTimeout.TotalMilliseconds };

    public static LocatorAssertionsToBeVisibleOptions VisibleWait => new() { Timeout = (float)WaitTimeout.TotalMilliseconds };

    public async Task GotoAsync(string pathAndQuery)
    {
        await page.GotoAsync(new Uri(baseUrl, pathAndQuery).ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>The row of one resource on the resources page (its name cell is labelled "Project: name" or "Container: name").</summary>
    public ILocator ResourceRow(string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByLabel(ResourceLabel(name)) });

    /// <summary>Waits until the resources page shows <paramref name="name"/> in <paramref name="state"/>.</summary>
    public async Task ExpectResourceStateAsync(string name, string state) =>
        await Expect(ResourceRow(name).GetByRole(AriaRole.Gridcell).Nth(1)).ToHaveTextAsync(new Regex($"^\\s*{Regex.Escape(state)}\\s*$"), TextWait);

    /// <summary>
    /// Waits until the newest value of an instrument in the metrics page's table view (which lists the newest first)
    /// matches <paramref name="expected"/>, within one deadline. The page is opened again every
    /// <see cref="MetricPageAttempt"/>: opened before the instrument's first export it shows the meter's list and stays
    /// so, and a busy dashboard now and then breaks this page ("An unhandled error has occurred").
    /// </summary>
    public async Task ExpectLatestMetricValueAsync(string resource, string meter, string instrument, Regex expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var latest = page.Locator("#metric-table-container tbody tr[role=row]").First.Locator("td[col-index='2'] span").First;
        while (true)
        {
            await OpenMetricAsync(resource, meter, instrument, table: true);
            var left = deadline - DateTime.UtcNow;
            var attempt = left < MetricPageAttempt ? left : MetricPageAttempt;
            try
            {
                await Expect(latest).ToHaveTextAsync(expected, new() { Timeout = (float)Math.Max(1, attempt.TotalMilliseconds) });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow + TimeSpan.FromSeconds(1) < deadline)
            {
                // Not yet: open the page again.
            }
        }
    }

    public async Task OpenMetricAsync(string resource, string meter, string instrument, bool table) =>
        await GotoAsync($"/metrics/resource/{Uri.EscapeDataString(resource)}?meter={Uri.EscapeDataString(meter)}&instrument={Uri.EscapeDataString(instrument)}"
            + (table ? "&view=Table" : ""));

    /// <summary>Opens the traces page filtered to span names containing <paramref name="name"/>.</summary>
    public async Task OpenTracesAsync(string name)
    {
        await GotoAsync("/traces");
        await page.Locator("input[name=traces-search]").FillAsync(name);
    }

    /// <summary>The rows of the traces page whose spans column names both resources.</summary>
    public ILocator TraceRows(string name, string firstResource, string secondResource) =>
        page.GetByRole(AriaRole.Row)
            .Filter(new() { HasText = name })
            .Filter(new() { HasText = firstResource })
            .Filter(new() { HasText = secondResource });

    /// <summary>The rows of a trace's detail page whose resource cell matches <paramref name="resource"/>: one per span.</summary>
    public ILocator SpanRows(Regex resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Gridcell, new() { NameRegex = resource }) });

    /// <summary>A button of the dashboard's own dialogs (Say, Cancel...), found by its text.</summary>
    public ILocator DialogButton(string text) =>
        page.Locator("#interactions-input-dialog fluent-button").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });

    /// <summary>Presses an item of a resource's "..." menu on the resources page (View details, a command).</summary>
    public async Task ChooseMenuItemAsync(string resource, string item)
    {
        await ResourceRow(resource).GetByLabel("Actions", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem).Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(item)}\\s*$") }).ClickAsync();
    }

    /// <summary>
    /// Runs a command of a resource from its row's "..." menu, as a person finds the ones not shown as icons, and
    /// returns once the dashboard's toast says it succeeded; fails the test, with a screenshot, when the toast says it
    /// failed or none comes within <paramref name="timeout"/> (<see cref="WaitTimeout"/> by default; the press did not
    /// reach the menu item, or the command is still running).
    /// </summary>
    public async Task RunMenuCommandAsync(string resource, string command, TimeSpan? timeout = null)
    {
        await ChooseMenuItemAsync(resource, command);

        // The dashboard's toast title: <resource> "<command>" succeeded (or failed).
        var outcome = page.GetByText(new Regex($"\"{Regex.Escape(command)}\" (succeeded|failed)")).First;
        await Expect(outcome).ToBeVisibleAsync(new() { Timeout = (float)(timeout ?? WaitTimeout).TotalMilliseconds });
        var said = await outcome.InnerTextAsync();
        if (said.Contains("failed", StringComparison.Ordinal))
        {
            var screenshot = await ScreenshotAsync($"command-failed-{command.Replace(' ', '-')}");
            Assert.Fail($"The dashboard says: {said} (screenshot: {screenshot}).");
        }
    }

    /// <summary>Saves a screenshot under artifacts/dashboard-tests/ (git-ignored), for a person to open.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        // The banner about a missing development certificate (the http profile has none) hides nothing, but crowds the shot.
        foreach (var dismiss in await page.GetByLabel("Dismiss notification").AllAsync())
        {
            await dismiss.ClickAsync();
        }

        var path = Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        return path;
    }

    private static Regex ResourceLabel(string name) => new($"^(Project|Container|Executable): {Regex.Escape(name)}$");
}
