using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Inference;
using LlmSizer.Reports;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Reports;

public class MemoryCurveTests
{
    private static readonly ModelSource Llama8B = ModelSource.Open("llama-3.1-8b");

    [Theory]
    [InlineData(131_072, new[] { 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072 })]
    [InlineData(40_960, new[] { 1024, 2048, 4096, 8192, 16_384, 32_768, 40_960 })] // Qwen3's max_position_embeddings
    [InlineData(4096, new[] { 1024, 2048, 4096 })]
    [InlineData(1024, new[] { 1024 })]
    [InlineData(512, new[] { 512 })]
    [InlineData(10_485_760, new[] { 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072 })] // Llama 4 Scout's 10M: capped at 128K
    [InlineData(0, new[] { 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072 })]
    public void Contexts_are_powers_of_two_from_1k_to_the_models_maximum_or_128k(int max, int[] expected)
    {
        Assert.Equal(expected, MemoryCurve.Contexts(max));
    }

    [Theory]
    [InlineData(InferenceEngine.LlamaCpp)]
    [InlineData(InferenceEngine.Vllm)]
    [InlineData(InferenceEngine.Transformers)]
    public void Every_point_is_the_estimators_total_at_that_context_and_weights(InferenceEngine engine)
    {
        var options = new InferenceOptions { Engine = engine };
        var curve = MemoryCurve.Build(Llama8B, options);
        Assert.Equal(MemoryCurve.Contexts(131_072), curve.ContextTokens);
        foreach (var series in curve.Series)
            for (int i = 0; i < curve.ContextTokens.Count; i++)
                Assert.Equal(InferenceEstimator.Estimate(Llama8B, options with { WeightsType = series.Weights, ContextTokens = curve.ContextTokens[i] }).TotalBytes,
                    series.TotalBytes[i]);
    }

    [Fact]
    public void Lower_bit_weights_need_less_memory_at_every_context_and_more_context_needs_more()
    {
        var curve = MemoryCurve.Build(Llama8B, new InferenceOptions());
        Assert.Equal(["F16", "Q8_0", "Q5_K_M", "Q4_K_M"], curve.Series.Select(s => s.Weights));
        for (int i = 0; i < curve.ContextTokens.Count; i++)
            Assert.True(curve.Series.Zip(curve.Series.Skip(1)).All(p => p.First.TotalBytes[i] > p.Second.TotalBytes[i]));
        Assert.All(curve.Series, s => Assert.True(s.TotalBytes.Zip(s.TotalBytes.Skip(1)).All(p => p.First < p.Second)));
    }

    [Theory]
    [InlineData(InferenceEngine.LlamaCpp, "Q6_K", new[] { "F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M" })]
    [InlineData(InferenceEngine.LlamaCpp, "iq2_m", new[] { "F16", "Q8_0", "Q5_K_M", "Q4_K_M", "iq2_m" })]
    [InlineData(InferenceEngine.LlamaCpp, "q4_k_m", new[] { "F16", "Q8_0", "Q5_K_M", "Q4_K_M" })]
    [InlineData(InferenceEngine.Vllm, "GPTQ-INT8", new[] { "BF16", "FP8", "GPTQ-INT8", "AWQ" })]
    [InlineData(InferenceEngine.Transformers, null, new[] { "BF16", "INT8", "NF4" })]
    [InlineData(InferenceEngine.LlamaCpp, "Q4_0", new[] { "F16", "Q8_0", "Q5_K_M", "Q4_K_M", "Q4_0" })] // not on the ladder: last
    public void The_asked_weights_join_the_engines_usual_ones_in_quality_order(InferenceEngine engine, string? asked, string[] expected)
    {
        Assert.Equal(expected, MemoryCurve.Weights(Llama8B, new InferenceOptions { Engine = engine, WeightsType = asked }));
    }

    [Fact]
    public void A_gguf_files_own_tensors_are_drawn_first()
    {
        using var dir = new TempDirectory();
        string path = GgufModels.Writer(GgufModels.Qwen25_05B).Write(System.IO.Path.Combine(dir.Path, "qwen.gguf"));
        var source = ModelSource.Open(path);
        Assert.Equal([null, "F16", "Q8_0", "Q5_K_M", "Q4_K_M"], MemoryCurve.Weights(source, new InferenceOptions()));
        var curve = MemoryCurve.Build(source, new InferenceOptions());
        Assert.Equal("file", curve.Series[0].Weights);
        Assert.Equal(InferenceEstimator.Estimate(source, new InferenceOptions { ContextTokens = 1024 }).TotalBytes, curve.Series[0].TotalBytes[0]);
    }

    [Fact]
    public void Capacities_are_the_usable_memory_of_the_given_devices_or_of_five_common_cards()
    {
        var defaults = MemoryCurve.Build(Llama8B, new InferenceOptions()).Capacities;
        Assert.Equal(["rtx-3060-12gb", "rtx-4060-ti-16gb", "rtx-4090", "rtx-6000-ada", "h100-sxm"], defaults.Select(c => c.Device));
        // RTX 4090: the driver reports 24564 MiB, less 512 MiB for the CUDA context.
        Assert.Equal((24564L - 512) << 20, defaults[2].UsableBytes);
        var given = MemoryCurve.Build(Llama8B, new InferenceOptions(), [DeviceCatalog.Resolve("h100x2")]).Capacities.Single();
        Assert.Equal(("h100-sxm ×2", 2 * DeviceCatalog.Resolve("h100").Device.UsableMemoryBytes), (given.Device, given.UsableBytes));
    }

    [Fact]
    public void Vllm_is_drawn_without_the_gpu_size_that_would_fill_its_cache()
    {
        var options = new InferenceOptions { Engine = InferenceEngine.Vllm, GpuMemoryBytes = 80L << 30 };
        var curve = MemoryCurve.Build(Llama8B, options);
        Assert.Equal(InferenceEstimator.Estimate(Llama8B, options with { GpuMemoryBytes = null, WeightsType = "BF16", ContextTokens = 1024 }).TotalBytes, curve.Series[0].TotalBytes[0]);
        Assert.Contains(curve.Notes, n => n.Contains("gpu_memory_utilization"));
    }

    [Fact]
    public void An_unknown_weights_type_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => MemoryCurve.Build(Llama8B, new InferenceOptions { WeightsType = "Q9_X" }));
    }
}
