using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Reports;
using Xunit;

namespace LlmSizer.Tests.Reports;

public class ComparisonReportTests
{
    private static ComparisonEntry Entry(string text)
    {
        var split = ModelWithWeights.Parse(text, _ => false);
        return new ComparisonEntry(text, ModelSource.Open(split.Model), split.Weights);
    }

    private static readonly IReadOnlyList<DeviceSelection> Devices = [DeviceCatalog.Resolve("rtx-4090"), DeviceCatalog.Resolve("m4-max-36gb")];

    [Fact]
    public void Each_model_carries_the_estimate_and_the_plans_its_own_options_give()
    {
        var report = ComparisonReport.Build([Entry("13b:int8"), Entry("7b:bf16"), Entry("llama-3.1-8b:q4_k_m")], new InferenceOptions(), engineGiven: false, Devices);
        Assert.Equal(["13b:int8", "7b:bf16", "llama-3.1-8b:q4_k_m"], report.Models.Select(m => m.Input));
        // INT8 exists only as a Hugging Face (bitsandbytes) format: transformers runs it; BF16 and Q4_K_M are GGUF types for llama.cpp.
        Assert.Equal(["transformers", "llama.cpp", "llama.cpp"], report.Models.Select(m => m.Engine));
        Assert.Equal(["INT8", "BF16", "Q4_K_M"], report.Models.Select(m => m.Weights));
        var engines = new[] { InferenceEngine.Transformers, InferenceEngine.LlamaCpp, InferenceEngine.LlamaCpp };
        var weights = new[] { "int8", "bf16", "q4_k_m" };
        for (int i = 0; i < 3; i++)
        {
            var m = report.Models[i];
            var source = ModelSource.Open(m.Input.Split(':')[0]);
            var options = new InferenceOptions { Engine = engines[i], WeightsType = weights[i], ContextTokens = 8192 };
            var estimate = InferenceEstimator.Estimate(source, options);
            Assert.Equal(8192, m.ContextTokens);
            Assert.Equal(new MemoryTotals(estimate.WeightsBytes, estimate.KvCacheBytes, estimate.ComputeBytes, estimate.OverheadBytes, estimate.TotalBytes), m.Memory);
            Assert.Equal(new ParameterTotals(source.Parameters.Total, source.Parameters.Active), m.Parameters);
            for (int d = 0; d < Devices.Count; d++)
            {
                var plan = FitPlanner.Plan(source, options, new FitOptions(Devices[d]));
                Assert.Equal(FitReport.VerdictName(plan.Verdict), m.Fits[d].Verdict);
                Assert.Equal(plan.GpuLayers, m.Fits[d].GpuLayers);
                Assert.Equal(plan.MaxContextTokens, m.Fits[d].MaxContext);
                Assert.Equal(plan.Speed?.DecodeTokensPerSecond, m.Fits[d].DecodeTokensPerSecond);
            }
            var cheapest = TierPlanner.Cheapest(TierPlanner.Plan(source, options))!;
            Assert.Equal((cheapest.Tier.Id, cheapest.Cheapest!.Device.Id, cheapest.Cheapest.Count), (m.CheapestTier!.Id, m.CheapestTier.Option.Id, m.CheapestTier.Option.Count));
        }
    }

    [Fact]
    public void A_mixture_of_experts_shows_fewer_active_than_total_parameters()
    {
        // Qwen3-30B-A3B: 30.5B total, 3.3B active (Qwen's model card).
        var m = ComparisonReport.Build([Entry("qwen3-30b-a3b")], new InferenceOptions(), false, []).Models[0];
        Assert.Equal(30_532_122_624, m.Parameters.Total);
        Assert.InRange(m.Parameters.Active, 3_300_000_000, 3_399_999_999);
    }

    [Fact]
    public void The_default_context_is_capped_at_a_models_own_maximum()
    {
        // Llama 2 was trained on 4096-token sequences (config.json max_position_embeddings).
        var report = ComparisonReport.Build([Entry("llama-2-7b"), Entry("llama-3.1-8b")], new InferenceOptions(), false, []);
        Assert.Equal([4096, 8192], report.Models.Select(m => m.ContextTokens));
        var asked = ComparisonReport.Build([Entry("llama-2-7b")], new InferenceOptions { ContextTokens = 2048 }, false, []);
        Assert.Equal(2048, asked.Models[0].ContextTokens);
    }

    [Fact]
    public void A_models_own_weights_win_over_the_common_weights_option()
    {
        var report = ComparisonReport.Build([Entry("8b:q8_0"), Entry("8b")], new InferenceOptions { WeightsType = "Q2_K" }, false, []);
        Assert.Equal(["Q8_0", "Q2_K"], report.Models.Select(m => m.Weights));
    }

    [Fact]
    public void An_engine_given_applies_to_every_model_and_a_type_it_cannot_load_names_the_model()
    {
        var report = ComparisonReport.Build([Entry("8b:fp8"), Entry("8b:awq")], new InferenceOptions { Engine = InferenceEngine.Vllm }, engineGiven: true, []);
        Assert.All(report.Models, m => Assert.Equal("vllm", m.Engine));
        var e = Assert.Throws<UsageException>(() => ComparisonReport.Build([Entry("8b:nf4")], new InferenceOptions(), engineGiven: true, []));
        Assert.StartsWith("8b:nf4: ", e.Message);
    }

    [Fact]
    public void Only_llama_cpp_is_fitted_on_a_cpu()
    {
        var report = ComparisonReport.Build([Entry("8b:int8"), Entry("8b:q8_0")], new InferenceOptions(), false, [DeviceCatalog.Resolve("ddr5-5600-2ch")]);
        Assert.Equal(["unsupported", "fits"], report.Models.Select(m => m.Fits[0].Verdict));
    }
}
