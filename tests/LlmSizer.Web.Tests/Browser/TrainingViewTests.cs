using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Training;
using LlmSizer.Training.Activations;

namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class TrainingViewTests(BrowserFixture fixture)
{
    private static readonly ModelSource Llama8B = ModelSource.FromCatalogOrSize("llama-3.1-8b", "");
    private static readonly DeviceSpec H100 = DeviceCatalog.Resolve("h100-sxm").Device;

    [Fact]
    public async Task Method_zero_and_recomputation_give_the_per_gpu_memory_and_gpu_count_the_library_computes()
    {
        await using var s = await PageSession.OpenAsync(fixture, "?tab=training");
        var full = TrainReport.Build(Llama8B, new TrainingOptions(), H100, gpusGiven: false);
        Assert.Equal(Shown.GiB(full.Memory.PerGpuBytes), await s.KpiAsync("per-gpu"));
        Assert.Equal(Shown.Int(full.Gpus.Count), await s.KpiAsync("gpus"));
        // Mixed-precision AdamW keeps 2 + 2 + 12 bytes per parameter (ZeRO, Rajbhandari et al. 2020, §3.1): bf16 weights of
        // 8,030,261,248 parameters are 16,060,522,496 bytes, and the fp32 master copy with m and v 96,363,134,976.
        var legend = await s.Page.Locator("#training-bar-legend li").AllTextContentsAsync();
        Assert.Contains($"weights {Shown.GiB(16_060_522_496)}", legend);
        Assert.Contains($"optimizer and master weights {Shown.GiB(96_363_134_976)}", legend);

        await s.SelectAsync("#t-zero", "3");
        await s.SelectAsync("#t-recompute", "full");
        var sharded = TrainReport.Build(Llama8B, new TrainingOptions
        {
            Recompute = Recomputation.Full,
            Layout = new ParallelLayout { ZeroStage = 3 },
        }, H100, gpusGiven: false);
        Assert.Equal(Shown.GiB(sharded.Memory.PerGpuBytes), await s.KpiAsync("per-gpu"));
        Assert.Equal(Shown.Int(sharded.Gpus.Count), await s.KpiAsync("gpus"));

        await s.SelectAsync("#t-method", "qlora");
        Assert.True(await s.Page.Locator("#t-lora-rank").IsVisibleAsync());
        await s.SelectAsync("#t-lora-rank", "64");
        var qlora = TrainReport.Build(Llama8B, new TrainingOptions
        {
            Method = TrainingMethod.Qlora,
            LoraRank = 64,
            LoraTargets = LoraTargets.Parse("all-linear"),
            Recompute = Recomputation.Full,
            Layout = new ParallelLayout { ZeroStage = 3 },
        }, H100, gpusGiven: false);
        Assert.Equal(Shown.GiB(qlora.Memory.PerGpuBytes), await s.KpiAsync("per-gpu"));
        // LoRA adds r × (in + out) per adapted matrix (PEFT's print_trainable_parameters counts the same); all seven linear
        // layers of a block: q 4096+4096, k 4096+1024, v 4096+1024, o 4096+4096, gate, up, down 4096+14336 each = 81,920 per
        // unit of rank, × 64 × 32 layers = 167,772,160.
        Assert.Equal(167_772_160, qlora.Parameters.Trainable);
        Assert.Equal("168M", await s.KpiAsync("trainable"));

        await s.SelectAsync("#t-device", "rtx-4090");
        await s.SelectAsync("#t-gpus", "1");
        await s.FillAsync("#t-price", "0.5");
        var oneCard = TrainReport.Build(Llama8B, new TrainingOptions
        {
            Method = TrainingMethod.Qlora,
            LoraRank = 64,
            LoraTargets = LoraTargets.Parse("all-linear"),
            Recompute = Recomputation.Full,
            Layout = new ParallelLayout { ZeroStage = 3 },
            PricePerGpuHourUsd = 0.5,
        }, DeviceCatalog.Resolve("rtx-4090").Device, gpusGiven: true);
        Assert.Equal(Shown.GiB(oneCard.Memory.PerGpuBytes), await s.KpiAsync("per-gpu"));
        Assert.Equal($"{oneCard.Compute.Days:N1} days", await s.KpiAsync("days"));
        Assert.Contains($"${Math.Round(oneCard.Compute.CostUsd!.Value):N0}", await s.TextAsync("[data-kpi=days] .kpi-sub"));

        await s.ScreenshotAsync("desktop-training");
        s.AssertNoProblems();
    }
}
