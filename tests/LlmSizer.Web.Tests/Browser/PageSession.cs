using Microsoft.Playwright;

namespace LlmSizer.Web.Tests.Browser;

/// <summary>
/// One page in its own browser context, with every console error, uncaught exception and content-security-policy violation
/// recorded, and helpers that wait for the page's updates to settle.
/// </summary>
internal sealed class PageSession : IAsyncDisposable
{
    public const int DesktopWidth = 1280, DesktopHeight = 900, PhoneWidth = 390, PhoneHeight = 844;

    private readonly IBrowserContext context;
    private readonly List<string> problems = [];

    private PageSession(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                problems.Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"uncaught: {error}");
    }

    public IPage Page { get; }

    /// <summary>Opens <paramref name="query"/> (e.g. "?tab=training") at the given viewport and waits until the page has settled.</summary>
    public static async Task<PageSession> OpenAsync(BrowserFixture fixture, string query = "", int width = DesktopWidth, int height = DesktopHeight)
    {
        var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        // Run by the browser outside the page's CSP: reports any violation as a console error, which the session records.
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
        var session = new PageSession(context, await context.NewPageAsync());
        await session.Page.GotoAsync(fixture.BaseUrl + "/" + query);
        await session.SettledAsync();
        return session;
    }

    /// <summary>Waits until the page has started and no update is pending or running (body[data-busy] unset).</summary>
    public async Task SettledAsync()
    {
        await Page.WaitForFunctionAsync("() => document.body.classList.contains('ready') && !document.body.hasAttribute('data-busy')",
            null, new() { Timeout = 20_000, PollingInterval = 20 });
    }

    /// <summary>The text of the first element matching <paramref name="selector"/>, trimmed.</summary>
    public async Task<string> TextAsync(string selector) => (await Page.Locator(selector).First.InnerTextAsync()).Trim();

    /// <summary>The value shown by a headline figure (data-kpi).</summary>
    public Task<string> KpiAsync(string key) => TextAsync($"[data-kpi='{key}'] .kpi-value");

    public async Task SelectAsync(string selector, string value)
    {
        await Page.SelectOptionAsync(selector, value);
        await SettledAsync();
    }

    public async Task FillAsync(string selector, string value)
    {
        await Page.FillAsync(selector, value);
        await SettledAsync();
    }

    /// <summary>Saves a full-page screenshot as TestResults/screenshots/<paramref name="name"/>.png.</summary>
    public async Task ScreenshotAsync(string name)
    {
        // From the top, so the sticky header sits where a reader sees it.
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>Asserts that nothing went wrong in the page, except problems matching <paramref name="allowed"/>.</summary>
    public void AssertNoProblems(Func<string, bool>? allowed = null)
    {
        var unexpected = problems.Where(p => allowed is null || !allowed(p)).ToList();
        Assert.True(unexpected.Count == 0, "problems in the page:\n" + string.Join("\n", unexpected));
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
