using LlmSizer.Sampling;
using Xunit;
using static LlmSizer.Tests.Sampling.SamplingTestData;

namespace LlmSizer.Tests.Sampling;

public class EngineOrderTests
{
    [Fact]
    public void Each_engine_runs_its_stages_in_the_order_its_source_applies_them()
    {
        // transformers generation/utils.py _get_logits_processor: RepetitionPenalty among the processors, then Temperature,
        // TopK, TopP, MinP, Typical warpers.
        Assert.Equal([SamplingStage.Penalties, SamplingStage.Temperature, SamplingStage.TopK, SamplingStage.TopP, SamplingStage.MinP, SamplingStage.TypicalP],
            SamplingEngineProfile.Transformers.Order);
        // llama.cpp common/common.h common_params_sampling::samplers: penalties, dry, top_n_sigma, top_k, typ_p, top_p, min_p,
        // xtc, temperature (DRY, top-n-sigma and XTC off by default, not modelled).
        Assert.Equal([SamplingStage.Penalties, SamplingStage.TopK, SamplingStage.TypicalP, SamplingStage.TopP, SamplingStage.MinP, SamplingStage.Temperature],
            SamplingEngineProfile.LlamaCpp.Order);
        // vLLM vllm/v1/sample/sampler.py: penalties, temperature, argmax-invariant processors (min-p), then top-k/top-p.
        Assert.Equal([SamplingStage.Penalties, SamplingStage.Temperature, SamplingStage.MinP, SamplingStage.TopK, SamplingStage.TopP],
            SamplingEngineProfile.Vllm.Order);
    }

    [Fact]
    public void Engine_defaults_are_the_ones_their_sources_set()
    {
        // llama.cpp common.h: temp 0.80, top_k 40, top_p 0.95, min_p 0.05, penalty_last_n 64.
        var llama = SamplingEngineProfile.LlamaCpp;
        Assert.Equal((0.8, 40, 0.95, 0.05, 64), (llama.Defaults.Temperature, llama.Defaults.TopK, llama.Defaults.TopP, llama.Defaults.MinP, llama.PenaltyLastTokens!.Value));
        // transformers GenerationConfig: top_k 50, the rest neutral.
        Assert.Equal(50, SamplingEngineProfile.Transformers.Defaults.TopK);
        Assert.Equal(1.0, SamplingEngineProfile.Transformers.Defaults.TopP);
        // vLLM SamplingParams: everything neutral.
        Assert.False(SamplingEngineProfile.Vllm.Defaults.TopK != 0 || SamplingEngineProfile.Vllm.Defaults.TopP != 1 || SamplingEngineProfile.Vllm.Defaults.MinP != 0);
    }

    [Fact]
    public void Temperature_before_top_p_keeps_more_tokens_than_temperature_after_when_it_flattens()
    {
        // p = (0.5, 0.3, 0.2), temperature 2, top-p 0.75.
        // llama.cpp (top-p at temperature 1): 0.5, 0.8 ≥ 0.75 → two tokens, then temperature 2 over them: √0.5 : √0.3.
        // transformers and vLLM (temperature first): p ∝ √p = (0.70711, 0.54772, 0.44721), total 1.70204 → (0.41545, 0.32180,
        // 0.26275); cumulative 0.41545, 0.73725 < 0.75 → all three tokens.
        var input = Probabilities(0.5, 0.3, 0.2);
        var settings = new SamplingSettings { Temperature = 2, TopP = 0.75 };
        var llama = SamplingPipeline.Run(input, settings, SamplingEngineProfile.LlamaCpp).Final;
        var hf = SamplingPipeline.Run(input, settings, SamplingEngineProfile.Transformers).Final;
        var vllm = SamplingPipeline.Run(input, settings, SamplingEngineProfile.Vllm).Final;
        Assert.Equal(2, llama.Count);
        Assert.Equal(Math.Sqrt(0.5) / (Math.Sqrt(0.5) + Math.Sqrt(0.3)), llama.Probabilities[0], 14);
        Assert.Equal(3, hf.Count);
        Assert.Equal(3, vllm.Count);
        Assert.Equal(Math.Sqrt(0.5) / (Math.Sqrt(0.5) + Math.Sqrt(0.3) + Math.Sqrt(0.2)), hf.Probabilities[0], 14);
    }

    [Fact]
    public void Min_p_before_top_p_in_vllm_narrows_the_nucleus_that_transformers_keeps()
    {
        // p = (0.4, 0.3, 0.2, 0.1), min-p 0.3 (cut 0.12), top-p 0.75, temperature 1.
        // vLLM: min-p first drops 0.1; renormalized (0.4444, 0.3333, 0.2222); top-p: 0.4444, 0.7778 ≥ 0.75 → two tokens.
        // transformers: top-p first: 0.4, 0.7, 0.9 ≥ 0.75 → three tokens; min-p then keeps all three (0.2/0.9 ≥ 0.3 × 0.4/0.9).
        // llama.cpp: top-p before min-p as well → three.
        var input = Probabilities(0.4, 0.3, 0.2, 0.1);
        var settings = new SamplingSettings { MinP = 0.3, TopP = 0.75 };
        Assert.Equal(2, SamplingPipeline.Run(input, settings, SamplingEngineProfile.Vllm).Final.Count);
        Assert.Equal(3, SamplingPipeline.Run(input, settings, SamplingEngineProfile.Transformers).Final.Count);
        Assert.Equal(3, SamplingPipeline.Run(input, settings with { Temperature = 1, TopK = 0 }, SamplingEngineProfile.LlamaCpp).Final.Count);
    }

    [Fact]
    public void Vllm_has_no_typical_p_and_says_so()
    {
        var result = SamplingPipeline.Run(Probabilities(0.4, 0.3, 0.3), new SamplingSettings { TypicalP = 0.5 }, SamplingEngineProfile.Vllm);
        Assert.Equal(["typical-p"], result.Ignored);
        Assert.Equal(3, result.Final.Count);
    }

    [Fact]
    public void The_example_with_llama_cpp_defaults_keeps_ten_tokens_and_transformers_order_six()
    {
        // The built-in example (40% "mat" … 1% "carpet", Zipf tail) under llama.cpp's defaults. llama.cpp: top-k 40 keeps 93.23%
        // of the mass; top-p 0.95 of that ends at "windowsill" (0.89 / 0.9323 = 0.9546); min-p's cut 0.05 × 0.4494 equals
        // windowsill's 0.0225 and keeps it; temperature 0.8 last. In transformers' order temperature 0.8 comes first and
        // sharpens the head, so top-p 0.95 closes sooner.
        var input = ExampleDistribution.Create();
        var settings = SamplingEngineProfile.LlamaCpp.Defaults;
        var llama = SamplingPipeline.Run(input, settings, SamplingEngineProfile.LlamaCpp);
        Assert.Equal(40, llama.After(SamplingStage.TopK)!.Survivors);
        Assert.Equal(10, llama.After(SamplingStage.TopP)!.Survivors);
        Assert.Equal(10, llama.Final.Count);
        Assert.Equal(6, SamplingPipeline.Run(input, settings, SamplingEngineProfile.Transformers).Final.Count);
    }
}
