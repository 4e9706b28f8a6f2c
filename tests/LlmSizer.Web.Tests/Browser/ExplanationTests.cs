using LlmSizer.Formats;
using LlmSizer.Inference;
using LlmSizer.Reports;

namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ExplanationTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Clicking_a_number_shows_its_formula_inputs_and_source()
    {
        await using var s = await PageSession.OpenAsync(fixture);
        var report = EstimateReport.Build(ModelSource.FromCatalogOrSize("llama-3.1-8b", ""), new InferenceOptions { ContextTokens = 8192 });
        var kv = report.Items.Single(i => i.Category == "kvCache");

        // A line of the table: the library's own formula and source for that line.
        await s.Page.Locator("#inference-items tbody tr", new() { HasText = kv.Name }).Locator("button.num").ClickAsync();
        Assert.True(await s.Page.Locator("#explain").IsVisibleAsync());
        Assert.Equal(kv.Name, await s.TextAsync("#explain-title"));
        Assert.Equal(kv.Formula, await s.TextAsync("#explain-formula"));
        Assert.Equal(kv.Source, await s.TextAsync("#explain-source"));
        var inputs = await s.Page.Locator("#explain-inputs tr").AllInnerTextsAsync();
        Assert.Equal(kv.Inputs.Select(i => $"{i.Name}\t{i.Value}"), inputs);
        await s.Page.ClickAsync("#explain-close");
        Assert.False(await s.Page.Locator("#explain").IsVisibleAsync());

        // A headline total: the sum of its parts.
        await s.Page.ClickAsync("[data-kpi=total] button.num");
        Assert.Equal($"weights + KV cache + compute buffers + overhead = {report.Memory.TotalBytes:N0} bytes", await s.TextAsync("#explain-formula"));
        await s.Page.Keyboard.PressAsync("Escape");

        // A fit figure: the method it comes from and the device's catalog bandwidth.
        await s.Page.ClickAsync(".fit [data-fact=decode] button.num");
        Assert.Contains("bytes read per token", await s.TextAsync("#explain-formula"));
        Assert.Contains("docs/METHOD.md", await s.TextAsync("#explain-source"));
        Assert.Contains("1,008.0 GB/s", await s.TextAsync("#explain-inputs"));
        await s.ScreenshotAsync("desktop-explanation");
        await s.Page.Keyboard.PressAsync("Escape");
        s.AssertNoProblems();
    }
}
