using LlmSizer.Hardware.Speed;
using LlmSizer.Models;
using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Hardware.Speed;

public sealed class ModelTrafficTests
{
    private static ModelTraffic Traffic(string id, string type, WeightsContainer container = WeightsContainer.Gguf)
    {
        var spec = ModelCatalog.Find(id)!.Spec;
        return ModelTraffic.From(spec, WeightsPrediction.Predict(spec, type, container));
    }

    // Llama-2-7B (config: hidden 4096, 32 layers, 32 heads, FFN 11008, vocabulary 32000) in llama.cpp's Q4_0 mix: Q4_0 blocks
    // store 32 values in 18 bytes, Q6_K 256 values in 210 bytes (ggml-common.h); llama.cpp keeps the output matrix in Q6_K.
    [Fact]
    public void Llama_2_7b_q4_0_blocks_head_and_embedding_row_have_their_ggml_sizes()
    {
        var t = Traffic("llama-2-7b", "Q4_0");

        long attention = 4 * (4096L * 4096 / 32 * 18);
        long mlp = 3 * (11008L * 4096 / 32 * 18);
        long norms = 2 * 4096 * 4;
        Assert.Equal(32, t.Layers.Count);
        Assert.All(t.Layers, l => Assert.Equal(attention + mlp + norms, l.DenseBytes));
        Assert.All(t.Layers, l => Assert.Equal(0, l.ExpertBytes));
        Assert.Equal(4096 / 32 * 18, t.InputBytesPerToken);
        Assert.Equal(32000L * 4096 / 32 * 18, t.InputBytes);
        Assert.Equal(32000L * 4096 / 256 * 210 + 4096 * 4, t.OutputBytes);
        Assert.False(t.TiedOutput);
        Assert.Equal("Q4_0", t.WeightsType);
    }

    [Fact]
    public void Active_parameters_of_a_dense_model_are_its_matrix_parameters_without_the_embedding_lookup()
    {
        // Llama-2-7B has 6,738,415,616 parameters (Hugging Face safetensors count); the 131,072,000-entry embedding is a lookup
        // and the 32 × 2 + 1 norm vectors of 4096 are not matrix products.
        var t = Traffic("llama-2-7b", "Q4_0");

        Assert.Equal(6_738_415_616 - 32000L * 4096 - 65 * 4096, t.ActiveParametersPerToken);
    }

    [Fact]
    public void Tied_embeddings_make_the_lm_head_read_the_whole_embedding_matrix()
    {
        // Qwen2.5-0.5B ties its head to the embedding (tie_word_embeddings: true): the GGUF stores no output.weight.
        var t = Traffic("qwen2.5-0.5b", "Q4_K_M");

        Assert.True(t.TiedOutput);
        Assert.Equal(t.OutputBytes + t.TokenEmbeddingBytes, t.OutputReadBytes);
        Assert.Equal(151936L * 896, t.OutputParameters);
    }

    [Fact]
    public void Routed_experts_are_kept_apart_from_the_dense_part_of_each_moe_block()
    {
        // Qwen3-30B-A3B: 48 MoE layers of 128 experts, 8 per token (config.json).
        var spec = ModelCatalog.Find("qwen3-30b-a3b")!.Spec;
        var inventory = WeightsPrediction.Predict(spec, "Q4_K_M", WeightsContainer.Gguf);
        var t = ModelTraffic.From(spec, inventory);

        long stackedExperts = inventory.Tensors.Where(x => x.Name.StartsWith("blk.5.", StringComparison.Ordinal) && x.Name.Contains("_exps", StringComparison.Ordinal)).Sum(x => x.Bytes);
        long rest = inventory.Tensors.Where(x => x.Name.StartsWith("blk.5.", StringComparison.Ordinal) && !x.Name.Contains("_exps", StringComparison.Ordinal)).Sum(x => x.Bytes);
        var layer = t.Layers[5];
        Assert.Equal((128, 8), (layer.Experts, layer.ExpertsPerToken));
        Assert.Equal(stackedExperts, layer.ExpertBytes);
        Assert.Equal(rest, layer.DenseBytes);
        Assert.Equal(stackedExperts / 128.0, layer.BytesPerExpert);
    }

    [Fact]
    public void Hugging_face_expert_modules_and_block_names_are_read_the_same_way()
    {
        var gguf = Traffic("qwen3-30b-a3b", "BF16", WeightsContainer.Gguf);
        var safetensors = Traffic("qwen3-30b-a3b", "BF16", WeightsContainer.Safetensors);

        // Same parameters whichever names the file uses: model.layers.N.mlp.experts.M.* against blk.N.ffn_*_exps.
        Assert.Equal(gguf.ActiveParametersPerToken, safetensors.ActiveParametersPerToken);
        Assert.Equal(gguf.Layers.Sum(l => l.ExpertParameters), safetensors.Layers.Sum(l => l.ExpertParameters));
    }

    [Fact]
    public void Multi_token_prediction_layers_are_not_part_of_a_decode_step()
    {
        // DeepSeek-V3's checkpoint stores layer 61 (MTP) after the 61 main layers; a normal step never runs it.
        var t = Traffic("deepseek-v3", "FP8", WeightsContainer.Safetensors);

        Assert.Equal(61, t.Layers.Count);
        Assert.Equal("F8_E4M3", t.WeightsType);
    }

    [Fact]
    public void Mla_caches_the_latent_and_the_rope_key_once_per_token()
    {
        // DeepSeek-V2-Lite: kv_lora_rank 512, qk_rope_head_dim 64; llama.cpp caches 576 values per token and no V.
        var layer = Traffic("deepseek-v2-lite", "Q4_K_M").Layers[0];

        Assert.Equal(576, layer.KeyValuesPerToken);
        Assert.Equal(0, layer.ValueValuesPerToken);
    }

    [Fact]
    public void Sliding_layers_carry_their_window_and_global_layers_none()
    {
        // Gemma 2 9B alternates 4096-token sliding layers (even) with global ones (odd).
        var t = Traffic("gemma-2-9b", "Q4_K_M");

        Assert.Equal(4096, t.Layers[0].WindowTokens);
        Assert.Null(t.Layers[1].WindowTokens);
        Assert.Equal(4096, t.Layers[0].AttendedTokens(10_000));
        Assert.Equal(10_000, t.Layers[1].AttendedTokens(10_000));
    }

    [Fact]
    public void Gpt2_style_h_blocks_are_found_as_blocks()
    {
        // GPT-2's checkpoint names its 12 blocks transformer.h.N (or h.N) and ties the head to wte.
        var t = Traffic("gpt2", "FP32", WeightsContainer.Safetensors);

        Assert.Equal(12, t.Layers.Count);
        Assert.All(t.Layers, l => Assert.True(l.DenseBytes > 0));
        Assert.True(t.TiedOutput);
    }
}
