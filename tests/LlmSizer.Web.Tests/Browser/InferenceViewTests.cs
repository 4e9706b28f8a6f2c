using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Reports;

namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class InferenceViewTests(BrowserFixture fixture)
{
    private static readonly ModelSource Llama8B = ModelSource.FromCatalogOrSize("llama-3.1-8b", "");
    private static readonly ModelSource Llama70B = ModelSource.FromCatalogOrSize("llama-3.1-70b", "");

    private static long Total(ModelSource source, InferenceOptions options) => EstimateReport.Build(source, options).Memory.TotalBytes;

    [Fact]
    public async Task Moving_weights_context_kv_type_and_engine_shows_the_totals_the_library_computes()
    {
        await using var s = await PageSession.OpenAsync(fixture);
        var options = new InferenceOptions { ContextTokens = 8192 };
        Assert.Equal(Shown.GiB(Total(Llama8B, options)), await s.KpiAsync("total"));
        // Llama 3.1 8B keeps 2 (K, V) × 32 layers × 8 KV heads × 128 × 2 bytes = 131,072 bytes of f16 cache per token
        // (Hugging Face, https://huggingface.co/blog/llama31#inference-memory-requirements: 15.62 GiB at 128,000 tokens),
        // so 8,192 tokens take exactly 1 GiB.
        Assert.Equal("1.00 GiB", await s.KpiAsync("kvCache"));

        await s.SelectAsync("#weights", "Q8_0");
        options = options with { WeightsType = "Q8_0" };
        Assert.Equal(Shown.GiB(Total(Llama8B, options)), await s.KpiAsync("total"));

        // Four quarter-octave steps up the log-scale slider: 8,192 → 10,240 → 12,288 → 14,336 → 16,384.
        await s.Page.FocusAsync("#context");
        for (int i = 0; i < 4; i++)
            await s.Page.Keyboard.PressAsync("ArrowRight");
        await s.SettledAsync();
        Assert.Equal("16,384 tokens", await s.TextAsync("#context-out"));
        options = options with { ContextTokens = 16_384 };
        Assert.Equal("2.00 GiB", await s.KpiAsync("kvCache"));
        Assert.Equal(Shown.GiB(Total(Llama8B, options)), await s.KpiAsync("total"));

        // q8_0 stores 32 values in 34 bytes (ggml's block_q8_0): 32 × 16,384 × 2 × 1024 × 34/32 = 1,140,850,688 bytes.
        await s.SelectAsync("#kv-type", "q8_0");
        Assert.Equal(Shown.GiB(1_140_850_688), await s.KpiAsync("kvCache"));
        Assert.Equal(Shown.GiB(Total(Llama8B, options with { KvTypeK = "q8_0" })), await s.KpiAsync("total"));

        // A new engine starts from its own defaults: vLLM with BF16 weights and its own cache type.
        await s.SelectAsync("#engine", "vllm");
        Assert.Equal("", await s.Page.InputValueAsync("#weights"));
        Assert.Equal(Shown.GiB(Total(Llama8B, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 16_384 })), await s.KpiAsync("total"));
        Assert.Equal(Shown.GiB(Total(Llama8B, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 16_384 })),
            await s.TextAsync("#inference-items tfoot [data-total]"));

        await s.SelectAsync("#engine", "llama.cpp");
        await s.ScreenshotAsync("desktop-inference");
        s.AssertNoProblems();
    }

    [Fact]
    public async Task Each_device_gets_the_planners_verdict_offload_plan_speed_and_load_time()
    {
        await using var s = await PageSession.OpenAsync(fixture, "?model=llama-3.1-70b&device=rtx-4090&device=h100-sxmx2");
        var options = new InferenceOptions { ContextTokens = 8192 };
        var storage = DeviceCatalog.ResolveStorage("nvme4");
        var cards = s.Page.Locator(".fit");
        Assert.Equal(2, await cards.CountAsync());

        var onOne4090 = FitReport.Build(Llama70B, options, new FitOptions(DeviceCatalog.Resolve("rtx-4090"), 64L << 30, storage));
        var card = cards.Nth(0);
        Assert.Equal("fitsWithOffload", onOne4090.Verdict);
        Assert.Equal("fits with CPU offload", (await card.Locator(".verdict").InnerTextAsync()).Trim());
        Assert.Contains($"-ngl {onOne4090.GpuLayers} ({onOne4090.OffloadedLayers} layers on the CPU)", await card.Locator(".plan").InnerTextAsync());
        Assert.Equal($"{Shown.Rate(onOne4090.TokensPerSecond!.Decode)} tok/s", (await card.Locator("[data-fact=decode] dd").InnerTextAsync()).Trim());
        Assert.Equal($"{Shown.Rate(onOne4090.TokensPerSecond.Prefill)} tok/s", (await card.Locator("[data-fact=prefill] dd").InnerTextAsync()).Trim());
        Assert.Equal(Shown.Duration(onOne4090.LoadSeconds!.Value), (await card.Locator("[data-fact=load] dd").InnerTextAsync()).Trim());
        Assert.Equal(Shown.Int(onOne4090.MaxContext!.Value), (await card.Locator("[data-fact=max-context] dd").InnerTextAsync()).Trim());
        Assert.Equal(Shown.GiB(onOne4090.HostRamBytes), (await card.Locator("[data-fact=host-ram] dd").InnerTextAsync()).Trim());

        var onTwoH100 = FitReport.Build(Llama70B, options, new FitOptions(DeviceCatalog.Resolve("h100-sxm", 2), 64L << 30, storage));
        card = cards.Nth(1);
        Assert.Equal("fits", onTwoH100.Verdict);
        Assert.Equal("fits", (await card.Locator(".verdict").InnerTextAsync()).Trim());
        Assert.Equal($"{Shown.Rate(onTwoH100.TokensPerSecond!.Decode)} tok/s", (await card.Locator("[data-fact=decode] dd").InnerTextAsync()).Trim());
        Assert.Equal(onTwoH100.BestWeights, (await card.Locator("[data-fact=best-weights] dd").InnerTextAsync()).Trim());

        // One line per weight type of the library's curve, and a capacity line per chosen device (usable memory × count).
        var curve = MemoryCurve.Build(Llama70B, options, [DeviceCatalog.Resolve("rtx-4090"), DeviceCatalog.Resolve("h100-sxm", 2)]);
        Assert.Equal(curve.Series.Count, await s.Page.Locator("#memory-curve polyline").CountAsync());
        Assert.Equal(curve.Series.Select(x => x.Weights), (await s.Page.Locator("#memory-curve-legend li").AllInnerTextsAsync()).Select(t => t.Trim()));
        var capacities = await s.Page.Locator("#memory-bar .cap-label").AllTextContentsAsync();
        Assert.Equal([$"rtx-4090 {Shown.GiB(curve.Capacities[0].UsableBytes)}", $"h100-sxm ×2 {Shown.GiB(curve.Capacities[1].UsableBytes)}"], capacities);

        await s.ScreenshotAsync("desktop-inference-70b");
        s.AssertNoProblems();
    }

    [Fact]
    public async Task A_device_added_and_counted_gets_its_own_verdict_and_capacity_line()
    {
        await using var s = await PageSession.OpenAsync(fixture, "?model=llama-3.1-70b");
        await s.Page.ClickAsync("#device-add");
        await s.SettledAsync();
        await s.SelectAsync("#device-1", "rtx-3090");
        await s.SelectAsync("#device-count-1", "4");
        Assert.Equal(["rtx-4090", "rtx-3090x4"], new Uri(s.Page.Url).Query.Split('&').Where(p => p.Contains("device=")).Select(p => p[(p.IndexOf('=') + 1)..]));

        var fit = FitReport.Build(Llama70B, new InferenceOptions { ContextTokens = 8192 },
            new FitOptions(DeviceCatalog.Resolve("rtx-3090", 4), 64L << 30, DeviceCatalog.ResolveStorage("nvme4")));
        var card = s.Page.Locator(".fit").Nth(1);
        Assert.Equal($"{fit.Device.Name} ×4", (await card.Locator("h3").InnerTextAsync()).Trim());
        Assert.Equal(fit.Verdict, (await card.Locator(".verdict").GetAttributeAsync("class"))!.Split(' ').Last());
        Assert.Equal($"{Shown.Rate(fit.TokensPerSecond!.Decode)} tok/s", (await card.Locator("[data-fact=decode] dd").InnerTextAsync()).Trim());
        s.AssertNoProblems();
    }

    [Fact]
    public async Task A_size_that_is_not_one_is_named_in_the_error_without_a_stack_trace()
    {
        await using var s = await PageSession.OpenAsync(fixture);
        await s.Page.FillAsync("#model-size", "7q");
        await s.Page.PressAsync("#model-size", "Enter");
        await s.SettledAsync();
        string error = await s.TextAsync("#error");
        Assert.Contains("'7q'", error);
        Assert.Contains("expected", error);
        Assert.DoesNotContain(" at ", error);
        // The browser logs the refused request itself; nothing else may go wrong.
        s.AssertNoProblems(p => p.Contains("status of 400"));

        await s.Page.FillAsync("#model-size", "7b");
        await s.Page.PressAsync("#model-size", "Enter");
        await s.SettledAsync();
        Assert.True(await s.Page.Locator("#error").IsHiddenAsync());
        var sevenB = ModelSource.FromCatalogOrSize("7b", "");
        Assert.Equal(Shown.GiB(Total(sevenB, new InferenceOptions { ContextTokens = 8192 })), await s.KpiAsync("total"));
    }
}
