using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace LlmSizer.Web.Tests.Browser;

/// <summary>
/// The real app on Kestrel at a free loopback port and one headless Debian chromium (Playwright's own browser download does
/// not work here), shared by every browser test of a run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium, installed by the test project's build (install-chromium.sh) when missing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? app;
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The server's address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Where the tests save their screenshots: TestResults/screenshots under the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        app = WebServer.Build(["--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        BaseUrl = app.Urls.Single().TrimEnd('/');
        playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root, where chromium refuses its sandbox.
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null)
            await app.DisposeAsync();
    }
}
