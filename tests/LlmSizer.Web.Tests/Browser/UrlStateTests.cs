namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class UrlStateTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_copied_address_reproduces_the_controls_the_numbers_and_the_tab()
    {
        string url, total, perGpu;
        await using (var s = await PageSession.OpenAsync(fixture))
        {
            await s.SelectAsync("#model-select", "qwen2.5-7b");
            await s.SelectAsync("#weights", "Q5_K_M");
            await s.SelectAsync("#device-count-0", "2");
            await s.Page.FocusAsync("#context");
            await s.Page.Keyboard.PressAsync("ArrowLeft");
            await s.SettledAsync();
            total = await s.KpiAsync("total");
            await s.Page.ClickAsync("#tab-training");
            await s.SettledAsync();
            await s.SelectAsync("#t-method", "lora");
            perGpu = await s.KpiAsync("per-gpu");
            url = s.Page.Url;
            s.AssertNoProblems();
        }
        Assert.Contains("tab=training", url);
        Assert.Contains("weights=Q5_K_M", url);

        await using var again = await PageSession.OpenAsync(fixture, new Uri(url).Query);
        Assert.Equal("true", await again.Page.GetAttributeAsync("#tab-training", "aria-selected"));
        Assert.Equal("lora", await again.Page.InputValueAsync("#t-method"));
        Assert.Equal(perGpu, await again.KpiAsync("per-gpu"));
        await again.Page.ClickAsync("#tab-inference");
        await again.SettledAsync();
        Assert.Equal("qwen2.5-7b", await again.Page.InputValueAsync("#model-select"));
        Assert.Equal("Q5_K_M", await again.Page.InputValueAsync("#weights"));
        Assert.Equal("2", await again.Page.InputValueAsync("#device-count-0"));
        Assert.Equal("7,168 tokens", await again.TextAsync("#context-out"));
        Assert.Equal(total, await again.KpiAsync("total"));
        again.AssertNoProblems();
    }
}
