using Microsoft.Playwright;

namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>
/// Debian's Chromium, driven by Playwright through its executable path (Playwright's own browser download is never
/// used). Headless, with the flags that keep it off the network: no sandbox (tests may run as root), no GPU, no
/// background services. Playwright gives each launch a new empty profile (--user-data-dir) of its own.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    /// <summary>Where Debian's chromium package puts it; CHATROOM_CHROMIUM names another.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CHATROOM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Why the browser tests cannot run here, with the command that provides what is missing; null when they can.</summary>
    public static string? SkipReason => File.Exists(ExecutablePath)
        ? null
        : $"no Chromium at {ExecutablePath}. Install Debian's: `sudo apt-get install chromium` (or set CHATROOM_CHROMIUM to a Chromium executable).";

    public static async Task<Chromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new page in a context of its own (its own cookies), the size of a laptop screen.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
