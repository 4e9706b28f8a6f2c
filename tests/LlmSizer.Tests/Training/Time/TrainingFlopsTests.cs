using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Training.Time;
using Xunit;

namespace LlmSizer.Tests.Training.Time;

public class TrainingFlopsTests
{
    private static ModelSpec Catalog(string id) => ModelCatalog.Find(id)!.Spec;

    [Fact]
    public void Six_n_d_for_gpt3_on_300b_tokens_is_the_papers_3_14e23_flops()
    {
        // Brown et al. 2020 (arXiv:2005.14165) Table D.1: GPT-3 175B, 300B tokens, total train compute 3.14E+23 FLOPs (3640 PF-days).
        long parameters = ParameterCounter.Count(Catalog("gpt3-175b")).Total;
        double flops = TrainingFlops.SixND(parameters, 300e9);
        Assert.Equal(3.14e23, flops, 3.14e23 * 0.005);
    }

    [Fact]
    public void Chinchilla_70b_is_compute_optimal_at_1_4_trillion_tokens()
    {
        // Hoffmann et al. 2022 (arXiv:2203.15556): Chinchilla, 70B parameters, trained on 1.4T tokens (≈ 20 tokens per parameter).
        Assert.Equal(1.4e12, TrainingFlops.ChinchillaTokens(70_000_000_000));
    }

    [Fact]
    public void Gpt3_model_and_recompute_flops_match_narayanan_and_korthikanti_closed_forms()
    {
        // Narayanan et al. 2021 (arXiv:2104.04473) eq. 3, full recompute: F = 96·B·s·L·h²·(1 + s/(6h) + V/(16·L·h));
        // Korthikanti et al. 2022 (arXiv:2205.05198) appendix A, model FLOPs: 72·B·s·L·h²·(1 + s/(6h) + V/(12·L·h)).
        // Per token (B·s = 1): GPT-3 has L = 96, h = 12288, s = 2048; V = 50257 as the catalog stores it.
        var spec = Catalog("gpt3-175b");
        double l = 96, h = 12288, s = 2048, v = 50257;
        double hardware = 96 * l * h * h * (1 + s / (6 * h) + v / (16 * l * h));
        double model = 72 * l * h * h * (1 + s / (6 * h) + v / (12 * l * h));

        var compute = TrainingFlops.Narayanan(spec, tokens: 1, sequenceTokens: 2048, fullRecompute: true);
        // The closed forms leave out the bias vectors the catalog counts (9·h per layer, 5e-5 of the total).
        Assert.Equal(1, compute.HardwareFlops / hardware, 1e-4);
        Assert.Equal(1, compute.ModelFlops / model, 1e-4);
        Assert.Equal(compute.ModelFlops, TrainingFlops.Narayanan(spec, 1, 2048, fullRecompute: false).HardwareFlops);
    }

    [Fact]
    public void Mixtral_counts_the_two_routed_experts_a_token_uses_as_megatron_does()
    {
        // Megatron-LM megatron/training/training.py num_floating_point_operations at fdfcef87 (2025-03-03), per token:
        // 12·L·h²·[(1 + g/a + s/h)·(q/h) + (f/h)·k·3/2 + V/(2·L·h)]: g = 8 KV groups, a = 32 heads, q = 4096, f = 14336, top-k 2.
        double l = 32, h = 4096, s = 4096, g = 8, a = 32, q = 4096, f = 14336, k = 2, v = 32000;
        double megatron = 12 * l * h * h * ((1 + g / a + s / h) * (q / h) + f / h * k * 1.5 + v / (2 * l * h));

        var compute = TrainingFlops.Narayanan(Catalog("mixtral-8x7b"), tokens: 1, sequenceTokens: 4096, fullRecompute: false);
        // Megatron leaves out the router (h × 8 per layer), 1e-4 of the total; counting all 8 experts would be 3.3× more.
        Assert.Equal(1, compute.ModelFlops / megatron, 2e-4);
    }

    [Fact]
    public void Deepseek_v3_scores_with_192_wide_query_key_heads_and_128_wide_values()
    {
        // Megatron-LM training.py (HEAD d98e8a64, 2026) MLA core term per token and layer: 3·2·s·(H·(qk + rope)/2 + H·v/2), halved
        // for the causal mask; the PaLM convention used here counts the whole score matrix, so twice that.
        // DeepSeek-V3 config: 128 heads, qk_nope 128, qk_rope 64, v 128, 61 layers.
        double s = 4096, heads = 128, layers = 61;
        double megatronCausal = layers * 3 * 2 * s * (heads * (128 + 64) / 2 + heads * 128 / 2);

        var spec = Catalog("deepseek-v3");
        double withScores = TrainingFlops.Narayanan(spec, 1, 4096, false).ModelFlops;
        double shortSequence = TrainingFlops.Narayanan(spec, 1, 1, false).ModelFlops;
        // The attention term is the only part that grows with the sequence: remove the 1-token run's (1/4096 of it).
        double attention = (withScores - shortSequence) * s / (s - 1);
        Assert.Equal(2 * megatronCausal, attention, 2 * megatronCausal * 1e-9);
    }

    [Fact]
    public void Sliding_window_layers_stop_growing_past_the_window()
    {
        // Mistral 7B v0.1: every layer slides over 4096 tokens (catalog), so at 32768 the scores cost what they cost at 4096.
        var mistral = Catalog("mistral-7b");
        Assert.Equal(TrainingFlops.Narayanan(mistral, 1, 4096, false).ModelFlops, TrainingFlops.Narayanan(mistral, 1, 32768, false).ModelFlops);

        // Gemma 2 9B alternates sliding (4096) and global layers: past the window only the 21 global layers grow,
        // by 6 · keys · 16 heads · (256 + 256) each.
        var gemma = Catalog("gemma-2-9b");
        double growth = TrainingFlops.Narayanan(gemma, 1, 8192, false).ModelFlops - TrainingFlops.Narayanan(gemma, 1, 4096, false).ModelFlops;
        Assert.Equal(21 * 6.0 * 4096 * 16 * 512, growth, 1);
    }

    [Fact]
    public void Tokens_scale_the_run_linearly()
    {
        var spec = Catalog("llama-2-7b");
        var one = TrainingFlops.Narayanan(spec, 1, 4096, true);
        var run = TrainingFlops.Narayanan(spec, 2e12, 4096, true);
        Assert.Equal(one.ModelFlops * 2e12, run.ModelFlops, run.ModelFlops * 1e-12);
        Assert.Equal(one.HardwareFlops * 2e12, run.HardwareFlops, run.HardwareFlops * 1e-12);
        Assert.Contains("full recompute", run.Formula);
    }

    [Fact]
    public void Negative_tokens_and_bad_counts_are_usage_errors_naming_the_field()
    {
        var spec = Catalog("llama-2-7b");
        Assert.Contains("tokens", Assert.Throws<UsageException>(() => TrainingFlops.SixND(7_000_000_000, -1)).Message);
        Assert.Contains("tokens", Assert.Throws<UsageException>(() => TrainingFlops.Narayanan(spec, double.NaN, 4096, false)).Message);
        Assert.Contains("tokens", Assert.Throws<UsageException>(() => TrainingFlops.Narayanan(spec, -5, 4096, false)).Message);
        Assert.Contains("sequenceTokens", Assert.Throws<UsageException>(() => TrainingFlops.Narayanan(spec, 1e9, 0, false)).Message);
        Assert.Contains("parameters", Assert.Throws<UsageException>(() => TrainingFlops.SixND(0, 1e9)).Message);
        Assert.Contains("parameters", Assert.Throws<UsageException>(() => TrainingFlops.ChinchillaTokens(-7)).Message);
    }
}
