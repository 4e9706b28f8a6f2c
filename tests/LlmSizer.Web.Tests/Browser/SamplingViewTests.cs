using LlmSizer.Sampling;
using LlmSizer.Tests.Support;

namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SamplingViewTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Sliders_show_each_stages_distribution_in_the_engines_order()
    {
        await using var s = await PageSession.OpenAsync(fixture, "?tab=sampling");
        Assert.True(await s.Page.Locator("#model-bar").IsHiddenAsync());
        Assert.Equal("0.80 (default)", await s.TextAsync("#s-temperature-out"));

        await s.FillAsync("#s-temperature", "0.8");
        await s.FillAsync("#s-top-k", "36");
        await s.FillAsync("#s-top-p", "0.7");
        // Worked by hand on the built-in example (mat 40%, floor 14%, couch 9%, bed 6% …): top-k 36 keeps 93.09% of the
        // mass; top-p 0.7 then stops at bed (42.97 + 15.04 + 9.67 = 67.68% < 70%, + 6.45% ≥ 70%), so mat has
        // 0.40 / 0.69 = 57.97%; llama.cpp's temperature comes last: 0.4^1.25 / Σ p^1.25 over the four = 65.90%.
        Assert.Equal("4", await s.KpiAsync("survivors"));
        Assert.Equal("65.90%", await s.KpiAsync("top"));

        await s.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "top-p 0.7" }).ClickAsync();
        var values = await s.Page.Locator("#distribution .value").AllTextContentsAsync();
        Assert.Equal(["57.97%", "20.29%", "13.04%", "8.70%", "cut"], values.Take(5));

        // transformers applies temperature before truncation, so the same settings keep what its order gives.
        await s.SelectAsync("#s-engine", "transformers");
        var profile = SamplingEngineProfile.Transformers;
        var settings = profile.Defaults with { Temperature = 0.8, TopK = 36, TopP = 0.7 };
        var result = SamplingPipeline.Run(ExampleDistribution.Create(), settings, profile);
        Assert.Equal(Shown.Int(result.Final.Count), await s.KpiAsync("survivors"));
        Assert.Equal(Shown.Percent(result.Final.Probabilities[0]), await s.KpiAsync("top"));

        await s.Page.ClickAsync("#s-defaults");
        await s.SettledAsync();
        Assert.Equal($"{profile.Defaults.Temperature:0.00} (default)", await s.TextAsync("#s-temperature-out"));

        await s.ScreenshotAsync("desktop-sampling");
        s.AssertNoProblems();
    }

    [Fact]
    public async Task A_dropped_logits_file_replaces_the_example()
    {
        using var dir = new TempDirectory();
        // Logits 3, 2, 1, 0: softmax gives e^3 / (e^3 + e^2 + e + 1) = 64.39% to "yes".
        string path = dir.Write("logits.csv", "yes,3\nno,2\nmaybe,1\nnever,0\n");
        await using var s = await PageSession.OpenAsync(fixture, "?tab=sampling&sEngine=transformers&temperature=1&topK=0&topP=1&minP=0");
        await s.Page.SetInputFilesAsync("#logits-file", path);
        await s.SettledAsync();
        Assert.Equal("64.39%", await s.KpiAsync("top"));
        Assert.Equal("4", await s.KpiAsync("survivors"));
        Assert.Contains("logits.csv", await s.TextAsync("#logits-drop"));

        await s.FillAsync("#s-top-p", "0.9");
        var profile = SamplingEngineProfile.Transformers;
        var result = SamplingPipeline.Run(LogitsFile.Read(path, probabilities: false), profile.Defaults with { Temperature = 1, TopK = 0, TopP = 0.9, MinP = 0 }, profile);
        Assert.Equal(Shown.Int(result.Final.Count), await s.KpiAsync("survivors"));
        Assert.Equal(Shown.Percent(result.Final.Probabilities[0]), await s.KpiAsync("top"));

        await s.Page.ClickAsync("#logits-clear");
        await s.SettledAsync();
        Assert.Equal(Shown.Int(32_000), (await s.TextAsync("[data-kpi=survivors] .kpi-sub")).Split(' ')[1]);
        s.AssertNoProblems();
    }
}
