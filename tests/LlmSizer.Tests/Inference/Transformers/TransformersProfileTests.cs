using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Inference;
using LlmSizer.Inference.Transformers;
using LlmSizer.Models;
using LlmSizer.Tests.Inference.Vllm;
using Xunit;

namespace LlmSizer.Tests.Inference.Transformers;

/// <summary>
/// transformers memory rules. Sources: transformers src/transformers/cache_utils.py (DynamicLayer, DynamicSlidingWindowLayer,
/// DynamicCache(config)), models/llama/modeling_llama.py (eager_attention_forward), models/deepseek_v3/modeling_deepseek_v3.py,
/// generation/utils.py (logits_to_keep = 1, FP32 copy of the last logits).
/// </summary>
public class TransformersProfileTests
{
    private const long GiB = 1L << 30;

    private static ModelSpec Spec(string id) => ModelCatalog.Find(id)!.Spec;

    private static InferenceOptions Options(int context, int batch = 1, bool? flash = null) =>
        new() { Engine = InferenceEngine.Transformers, ContextTokens = context, Sequences = batch, FlashAttention = flash };

    private static MemoryEstimate Estimate(string id, int context, int batch = 1, TransformersSettings? settings = null, string dtype = "BF16")
    {
        var spec = Spec(id);
        var inventory = spec.Moe is null && spec.Mla is null ? CheckpointInventories.HuggingFace(spec, dtype) : CheckpointInventories.FromCounter(spec);
        return TransformersProfile.Estimate(spec, inventory, Options(context, batch), settings ?? TransformersSettings.Default);
    }

    [Fact]
    public void Dynamic_cache_of_llama_2_7b_at_4096_tokens_in_fp16_is_exactly_2_GiB()
    {
        // DynamicLayer keeps [batch, kv_heads, seq, head_dim] keys and values: 2 × 32 layers × 1 × 32 heads × 4096 × 128 × 2 B.
        var estimate = Estimate("llama-2-7b", 4096, dtype: "F16");
        Assert.Equal(2L * 32 * 32 * 128 * 4096 * 2, estimate.KvCacheBytes);
        Assert.Equal(2 * GiB, estimate.KvCacheBytes);
    }

    [Fact]
    public void Weights_are_the_checkpoint_as_stored_without_buffers()
    {
        // meta-llama/Llama-2-7b-hf: 6,738,415,616 parameters × 2 B in FP16; the rotary inv_freq buffers of the first upload are recomputed.
        var spec = Spec("llama-2-7b");
        var withBuffer = CheckpointInventories.HuggingFace(spec, "F16").Tensors
            .Append(new TensorInfo("model.layers.0.self_attn.rotary_emb.inv_freq", [64], "F32", 64, 0, 256, TensorRole.Buffer, ParameterCategory.Other))
            .ToList();
        var estimate = TransformersProfile.Estimate(spec, new TensorInventory("safetensors", withBuffer), Options(4096));
        Assert.Equal(6_738_415_616L * 2, estimate.WeightsBytes);
    }

    [Fact]
    public void Loading_in_float32_doubles_the_float_weights()
    {
        // transformers 4.x loads in float32 unless dtype is given: 4 B per parameter.
        var estimate = Estimate("llama-2-7b", 1024, settings: new TransformersSettings { DtypeBytes = 4 });
        Assert.Equal(6_738_415_616L * 4, estimate.WeightsBytes);
    }

    [Fact]
    public void Gemma_2_sliding_layers_keep_window_minus_one_tokens()
    {
        // gemma-2-2b: 26 layers alternating sliding (window 4096) and global; 4 KV heads × 256 × 2 × 2 B = 4,096 B per token and layer.
        // DynamicSlidingWindowLayer stores keys[..., -sliding_window + 1:, :], so 4,095 tokens.
        var estimate = Estimate("gemma-2-2b", 8192);
        Assert.Equal((13L * 8192 + 13L * 4095) * 4096, estimate.KvCacheBytes);
    }

    [Fact]
    public void Mistral_7b_v0_1_slides_on_every_layer()
    {
        // Mistral-7B-v0.1 config: sliding_window 4096 and no layer_types, so DynamicCache makes every layer a sliding one.
        // 8 KV heads × 128 × 2 × 2 B = 4,096 B per token and layer.
        Assert.Equal(32L * 4095 * 4096, Estimate("mistral-7b", 8192).KvCacheBytes);
        Assert.Equal(32L * 2048 * 4096, Estimate("mistral-7b", 2048).KvCacheBytes);
    }

    [Fact]
    public void Qwen3_next_caches_keys_and_values_in_its_12_attention_layers_and_a_fixed_state_in_its_36_deltanet_layers()
    {
        var estimate = Estimate("qwen3-next-80b-a3b", 32_768, batch: 2);
        // Attention layers: DynamicLayer [2, 2 KV heads, 32,768, 256] keys and values in BF16 = 2,048 B per token and layer.
        long kv = 2L * 12 * 32_768 * 2048;
        // modeling_qwen3_next.py: conv_states [2, conv_dim 8,192, kernel 4] in BF16 and the recurrent state [2, 32 value heads,
        // 128, 128] the float32 delta rule returns, per Gated DeltaNet layer, whatever the context.
        long state = 2L * 36 * (4 * 8192 * 2 + 32 * 128 * 128 * 4);
        Assert.Equal(77_856_768 * 2, state);
        Assert.Equal(kv, estimate.Items.Single(i => i.Name == "KV cache (DynamicCache)").Bytes);
        Assert.Equal(state, estimate.Items.Single(i => i.Name == "recurrent state (conv + state)").Bytes);
        Assert.Equal(kv + state, estimate.KvCacheBytes);
        // The state does not grow with the context.
        Assert.Equal(state, Estimate("qwen3-next-80b-a3b", 1024, batch: 2).Items.Single(i => i.Name == "recurrent state (conv + state)").Bytes);
    }

    [Fact]
    public void DeepSeek_V3_caches_decompressed_keys_and_values_per_head()
    {
        // transformers DeepseekV3Attention caches key_states (qk_nope 128 + qk_rope 64) and value_states (v_head_dim 128) of all 128
        // heads after kv_b_proj: 128 × 320 × 2 B = 81,920 B per token and layer (vLLM's latent is 1,152 B).
        var v3 = Spec("deepseek-v3");
        Assert.Equal(128L * 320 * 2, DynamicCacheSize.BytesPerTokenPerLayer(v3, 2));
        Assert.Equal(81_920L * 61 * 1000, DynamicCacheSize.Bytes(v3, 1, 1000, 2));
    }

    [Fact]
    public void Eager_attention_materialises_the_scores_and_sdpa_does_not()
    {
        // eager_attention_forward: matmul output and masked copy in BF16, softmax in FP32, cast back: 8 B per score element at
        // the peak; Llama-3.1-8B at 4096 tokens: 32 heads × 4096² × 8 B = 4 GiB per layer, plus the 4096² BF16 causal mask.
        var spec = Spec("llama-3.1-8b");
        var eager = TransformersActivation.Prefill(spec, 1, 4096, 2, TransformersAttention.Eager, TransformersRun.Generate, false);
        var sdpa = TransformersActivation.Prefill(spec, 1, 4096, 2, TransformersAttention.Sdpa, TransformersRun.Generate, false);
        Assert.Equal(32L * 4096 * 4096 * 8, eager.AttentionScores);
        Assert.Equal(4L * GiB, eager.AttentionScores);
        Assert.Equal(4096L * 4096 * 2, eager.Masks);
        Assert.Equal(0, sdpa.AttentionScores + sdpa.Masks);
        Assert.True(eager.Bytes > sdpa.Bytes + 4 * GiB);

        var estimate = TransformersProfile.Estimate(spec, CheckpointInventories.HuggingFace(spec), Options(4096, flash: false));
        Assert.Equal(eager.Bytes, estimate.ComputeBytes);
    }

    [Fact]
    public void Generate_keeps_only_the_last_logits_and_a_forward_pass_all_of_them()
    {
        // generate sets logits_to_keep=1 and copies logits[:, -1, :] to FP32: batch × vocab × (2 + 4) B.
        // A plain forward returns batch × seq × vocab logits in the model dtype: 4096 × 128,256 × 2 B for Llama-3.1-8B.
        var spec = Spec("llama-3.1-8b");
        var generate = TransformersActivation.Prefill(spec, 2, 4096, 2, TransformersAttention.Sdpa, TransformersRun.Generate, false);
        var forward = TransformersActivation.Prefill(spec, 1, 4096, 2, TransformersAttention.Sdpa, TransformersRun.Forward, false);
        Assert.Equal(2L * 128_256 * 6, generate.Logits);
        Assert.Equal(4096L * 128_256 * 2, forward.Logits);
        Assert.Equal(1_050_673_152, forward.Logits);
    }

    [Fact]
    public void Memory_never_decreases_as_context_or_batch_grow()
    {
        foreach (string id in new[] { "llama-3.1-8b", "gemma-2-2b", "mistral-7b", "qwen3-30b-a3b", "deepseek-v2-lite" })
        {
            foreach (var attention in new[] { TransformersAttention.Sdpa, TransformersAttention.Eager })
            {
                var settings = new TransformersSettings { Attention = attention };
                long previous = 0;
                foreach (int context in new[] { 1, 128, 1000, 4095, 4096, 4097, 8192, 16_384 })
                {
                    long total = Estimate(id, context, settings: settings).TotalBytes;
                    Assert.True(total >= previous, $"{id} {attention} at {context}");
                    previous = total;
                }
                previous = 0;
                foreach (int batch in new[] { 1, 2, 4, 16 })
                {
                    long total = Estimate(id, 2048, batch, settings).TotalBytes;
                    Assert.True(total >= previous, $"{id} {attention} × {batch}");
                    previous = total;
                }
            }
        }
    }

    [Fact]
    public void Settings_name_every_default_used()
    {
        var spec = Spec("llama-3.1-8b");
        var estimate = TransformersProfile.Estimate(spec, CheckpointInventories.HuggingFace(spec),
            new InferenceOptions { Engine = InferenceEngine.Transformers });
        var settings = estimate.Settings.ToDictionary(s => s.Name, s => s.Value);

        Assert.Equal(4096, estimate.ContextTokens);
        Assert.StartsWith("4,096 (default", settings["context"], StringComparison.Ordinal);
        Assert.Equal("sdpa (default)", settings["attn_implementation"]);
        Assert.StartsWith("bfloat16/float16 (auto", settings["dtype"], StringComparison.Ordinal);
        Assert.StartsWith("DynamicCache", settings["cache"], StringComparison.Ordinal);
        Assert.StartsWith("generate", settings["run"], StringComparison.Ordinal);
        Assert.StartsWith("false", settings["do_sample"], StringComparison.Ordinal);
        Assert.Equal("1", settings["batch size"]);
        // The CUDA context item: 512 MiB, close to the 0.51 GiB vLLM v0.19 logs on an H100 before its first tensor.
        Assert.Equal(512L << 20, estimate.OverheadBytes);
    }

    [Fact]
    public void Gguf_files_are_dequantized_on_load()
    {
        // transformers' GGUF integration dequantizes every tensor to the torch dtype: a Q4_K file of 1,000 × 256 weights
        // (144 B per 256-weight block) becomes 256,000 parameters × 2 B.
        var spec = Spec("llama-3.1-8b");
        var tensor = new TensorInfo("blk.0.ffn_up.weight", [1000, 256], "Q4_K", 256_000, 256_000, 1000L * 144, TensorRole.Weight, ParameterCategory.Mlp);
        var estimate = TransformersProfile.Estimate(spec, new TensorInventory("gguf", [tensor]), Options(128));
        Assert.Equal(256_000L * 2, estimate.WeightsBytes);
    }

    [Fact]
    public void Quantized_kv_types_are_refused()
    {
        var spec = Spec("llama-3.1-8b");
        Assert.Throws<UsageException>(() => TransformersProfile.Estimate(spec, CheckpointInventories.HuggingFace(spec),
            new InferenceOptions { Engine = InferenceEngine.Transformers, KvTypeK = "q8_0" }));
    }
}
