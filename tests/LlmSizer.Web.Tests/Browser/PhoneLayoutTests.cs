namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("inference")]
    [InlineData("training")]
    [InlineData("sampling")]
    public async Task On_a_phone_screen_each_tab_fits_the_width_in_one_column(string tab)
    {
        await using var s = await PageSession.OpenAsync(fixture, $"?tab={tab}", PageSession.PhoneWidth, PageSession.PhoneHeight);
        var widths = await s.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.Equal(PageSession.PhoneWidth, client);
        Assert.True(scroll <= client, $"page is {scroll} px wide on a {client} px screen");
        // One column: the controls sit above the results.
        var controls = await s.Page.Locator($"#panel-{tab} .controls").BoundingBoxAsync();
        var results = await s.Page.Locator($"#panel-{tab} .results").BoundingBoxAsync();
        Assert.True(results!.Y >= controls!.Y + controls.Height, "results below the controls");
        await s.ScreenshotAsync($"phone-{tab}");
        s.AssertNoProblems();
    }
}
