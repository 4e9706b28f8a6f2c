using System.Text.Json;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Inference;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Inference.Transformers;
using LlmSizer.Inference.Vllm;
using LlmSizer.Models;
using LlmSizer.Precision;
using LlmSizer.Tests.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Models;

/// <summary>
/// Cohere2 (Command R7B: three sliding-window layers, then one global) and Llama 4 (Scout 17B-16E, Maverick 17B-128E:
/// interleaved MoE with a shared expert, chunked attention on three layers of every four), end to end: config.json, catalog,
/// GGUF metadata and layout, and the KV cache of llama.cpp, vLLM and transformers.
/// Fixtures: CohereForAI__c4ai-command-r7b-12-2024.json holds the fields of the published config.json that public copies
/// confirm (CohereLabs/c4ai-command-r7b-12-2024 config.json as tabulated by third-party calculators, Cohere2 lowering code that
/// requires the original release's order_of_interleaved_layers / rope_gptj / rotary_pct / use_gated_activation values); fields
/// no copy confirmed (token ids, dtype) are left out. meta-llama__Llama-4-Scout-17B-16E.json is transformers 4.51.0's dump of
/// the Scout config (its moe_layers list 0–47 written out). meta-llama__Llama-4-Maverick-17B-128E.json is the Maverick config
/// NVIDIA/TensorRT-LLM copies into tests/unittest/_torch/modeling/test_modeling_llama_min_latency.py, with the 48 layers and
/// default RoPE interval that test had reduced and overridden restored, and the vision tower's overridden layer count left out.
/// </summary>
public class HybridAttentionModelsTests
{
    private static HuggingFaceConfig Read(string name) =>
        HuggingFaceConfigReader.ReadFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", name + ".json"));

    private static HuggingFaceConfig Parse(string json) => HuggingFaceConfigReader.Parse(System.Text.Encoding.UTF8.GetBytes(json), "config.json");

    // ---------------------------------------------------------------- parameter counts from config.json

    [Fact]
    public void Command_r7b_counts_8_028_033_024_parameters_and_7b_without_the_embedding()
    {
        var spec = Read("CohereForAI__c4ai-command-r7b-12-2024").Spec;
        var count = ParameterCounter.Count(spec);
        // per layer: q 4096×4096 + k, v 4096×1024 + o 4096×4096 = 41,943,040; MLP 3 × 4096 × 14336 = 176,160,768; one norm 4096
        // 32 × 218,107,904 + final norm 4096 + tied embedding 256000 × 4096 = 1,048,576,000 → 8,028,033,024 (Hugging Face: 8.03B)
        Assert.Equal(8_028_033_024, count.Total);
        Assert.Equal(count.Total, count.Active);
        // Cohere's "7 billion parameters" is the count without the embedding: 6,979,457,024.
        Assert.Equal(6_979_457_024, count.Total - count.Breakdown.Embedding);
        Assert.True(OfficialCount.Parse("7B").Matches(count.Total - count.Breakdown.Embedding));
    }

    [Fact]
    public void Command_r7b_config_reads_cohere2_s_layout()
    {
        var spec = Read("CohereForAI__c4ai-command-r7b-12-2024").Spec;
        Assert.Equal("cohere2", spec.Architecture);
        Assert.Equal(NormKind.LayerNormNoBias, spec.Norm);
        Assert.Equal(1, spec.NormsPerLayer);
        Assert.True(spec.ParallelBlocks);
        Assert.True(spec.TiedEmbeddings);
        Assert.Equal(128, spec.EffectiveHeadDim);
        Assert.Equal(132_096, spec.MaxContextTokens);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 4096, GlobalLayerPeriod = 4 }, spec.SlidingWindow);
        // layers 3, 7, …, 31 are global: 8 of 32
        Assert.Equal([3, 7, 11, 15, 19, 23, 27, 31], Enumerable.Range(0, 32).Where(l => !spec.IsSlidingLayer(l)));
    }

    [Fact]
    public void Cohere2_defaults_follow_cohere2config()
    {
        var spec = Parse("""
            { "model_type": "cohere2", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 8, "num_attention_heads": 4,
              "intermediate_size": 128, "head_dim": 99 }
            """).Spec;
        Assert.Equal(16, spec.EffectiveHeadDim);         // Cohere2Config overwrites head_dim with hidden / heads
        Assert.True(spec.TiedEmbeddings);
        Assert.Equal(8192, spec.MaxContextTokens);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 4096, GlobalLayerPeriod = 4 }, spec.SlidingWindow);
        var none = Parse("""{ "model_type": "cohere2", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 8, "num_attention_heads": 4, "intermediate_size": 128, "sliding_window": null }""").Spec;
        Assert.Null(none.SlidingWindow);
        var typed = Parse("""
            { "model_type": "cohere2", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 4, "num_attention_heads": 4,
              "intermediate_size": 128, "layer_types": ["sliding_attention", "full_attention", "sliding_attention", "full_attention"] }
            """).Spec;
        Assert.Equal(2, typed.SlidingWindow!.GlobalLayerPeriod);
    }

    [Fact]
    public void Llama_4_scout_text_model_counts_107_8b_total_and_17_2b_active()
    {
        var config = Read("meta-llama__Llama-4-Scout-17B-16E");
        var count = ParameterCounter.Count(config.Spec);
        // attention per layer: q 5120×5120 + k, v 5120×1024 + o 5120×5120 = 62,914,560; norms 2 × 5120
        // MoE in every layer: router 5120×16 = 81,920; 16 experts × 3 × 5120 × 8192 = 2,013,265,920; shared 125,829,120
        // 48 × 2,202,101,760 + final norm 5120 + embedding and untied head 2 × 202048 × 5120 = 107,769,861,120
        Assert.Equal(107_769_861_120, count.Total);
        // active: one routed expert + the shared one: 48 × 314,664,960 + 2,068,976,640 = 17,172,894,720 (Meta: 17B)
        Assert.Equal(17_172_894_720, count.Active);
        Assert.True(OfficialCount.Parse("17B").Matches(count.Active));
        // Meta's 109B includes the vision encoder; the text model alone is 1.1% below it.
        Assert.InRange((109e9 - count.Total) / 109e9, 0.011, 0.012);
        Assert.Contains(config.Notes, n => n.Contains("vision encoder"));
    }

    [Fact]
    public void Llama_4_maverick_text_model_counts_400_7b_total_and_17_2b_active()
    {
        var spec = Read("meta-llama__Llama-4-Maverick-17B-128E").Spec;
        var count = ParameterCounter.Count(spec);
        // 24 dense layers: 3 × 5120 × 16384 = 251,658,240; 24 MoE layers: router 5120×128 + 128 experts × 125,829,120 + shared
        // 125,829,120 = 16,232,611,840; attention and norms 48 × 62,924,800; embedding, head, final norm 2,068,976,640
        Assert.Equal(400_711_848_960, count.Total);
        // active: 24 × (router 655,360 + 2 × 125,829,120) + dense, attention, norms, embedding, head = 17,184,691,200
        Assert.Equal(17_184_691_200, count.Active);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => 2 * i + 1), Enumerable.Range(0, 48).Where(spec.IsMoeLayer));
    }

    [Fact]
    public void Llama_4_config_reads_chunked_attention_from_its_rope_layers()
    {
        var spec = Read("meta-llama__Llama-4-Scout-17B-16E").Spec;
        Assert.Equal("llama4_text", spec.Architecture);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 8192, GlobalLayerPeriod = 4, Chunked = true }, spec.SlidingWindow);
        Assert.Equal(QkNormKind.None, spec.QkNorm); // use_qk_norm is a weightless L2 norm
        Assert.Equal(16_384, spec.FfnSize);
        Assert.Equal(new[] { 1, 1, 8192L }, new[] { spec.Moe!.SharedExperts, spec.Moe.ExpertsPerToken, spec.Moe.ExpertFfnSize });
        Assert.False(spec.TiedEmbeddings);
        Assert.False(spec.Moe.RouterBias);
    }

    private const string SmallLlama4 = """
        { "model_type": "llama4_text", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 8, "num_attention_heads": 4,
          "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 32, "intermediate_size_mlp": 96, "num_local_experts": 4 %EXTRA% }
        """;

    [Fact]
    public void Llama_4_explicit_moe_layers_and_no_rope_layers_win_over_their_intervals()
    {
        var spec = Parse(SmallLlama4.Replace("%EXTRA%", """
            , "interleave_moe_layer_step": 4, "moe_layers": [0, 5], "no_rope_layers": [1, 0, 1, 0, 1, 0, 1, 0]
            """)).Spec;
        Assert.Equal([0, 5], Enumerable.Range(0, 8).Where(spec.IsMoeLayer));
        Assert.Equal(2, spec.SlidingWindow!.GlobalLayerPeriod);
        var defaults = Parse(SmallLlama4.Replace("%EXTRA%", "")).Spec;
        Assert.Equal(8, Enumerable.Range(0, 8).Count(defaults.IsMoeLayer));
        Assert.Equal(4, defaults.SlidingWindow!.GlobalLayerPeriod);
        Assert.Equal(131_072, defaults.MaxContextTokens);
        Assert.Null(Parse(SmallLlama4.Replace("%EXTRA%", ""","attention_chunk_size": null""")).Spec.SlidingWindow);
    }

    [Fact]
    public void Llama_4_irregular_rope_layers_are_noted()
    {
        var config = Parse(SmallLlama4.Replace("%EXTRA%", """, "no_rope_layers": [1, 1, 1, 0, 1, 0, 1, 1]"""));
        Assert.Equal(4, config.Spec.SlidingWindow!.GlobalLayerPeriod);
        Assert.Contains(config.Notes, n => n.Contains("no_rope_layers is irregular"));
    }

    [Fact]
    public void A_chunked_window_survives_the_spec_json_and_plain_windows_keep_their_json()
    {
        var scout = ModelCatalog.Find("llama-4-scout")!.Spec;
        string json = JsonSerializer.Serialize(scout);
        Assert.Contains("\"chunked\":true", json);
        Assert.Equal(scout.SlidingWindow, JsonSerializer.Deserialize<ModelSpec>(json)!.SlidingWindow);
        Assert.DoesNotContain("chunked", JsonSerializer.Serialize(ModelCatalog.Find("command-r7b")!.Spec));
    }

    [Theory]
    [InlineData("command-r7b", "CohereForAI__c4ai-command-r7b-12-2024")]
    [InlineData("llama-4-scout", "meta-llama__Llama-4-Scout-17B-16E")]
    [InlineData("llama-4-maverick", "meta-llama__Llama-4-Maverick-17B-128E")]
    public void Catalog_entries_count_what_their_config_counts(string id, string fixture) =>
        Assert.Equal(ParameterCounter.Count(Read(fixture).Spec).Total, ParameterCounter.Count(ModelCatalog.Find(id)!.Spec).Total);

    // ---------------------------------------------------------------- GGUF: metadata → spec, and the layout

    /// <summary>A synthetic GGUF of <paramref name="spec"/>'s exact llama.cpp layout, with the metadata llama.cpp's converter writes.</summary>
    private static GgufWriter Gguf(ModelSpec spec, string arch, Action<GgufWriter> metadata)
    {
        var w = new GgufWriter();
        w.Add("general.architecture", arch)
            .Add($"{arch}.block_count", (uint)spec.Layers)
            .Add($"{arch}.embedding_length", (uint)spec.HiddenSize)
            .Add($"{arch}.feed_forward_length", (uint)spec.FfnSize)
            .Add($"{arch}.attention.head_count", (uint)spec.AttentionHeads)
            .Add($"{arch}.attention.head_count_kv", (uint)spec.EffectiveKeyValueHeads)
            .Add($"{arch}.context_length", (uint)spec.MaxContextTokens)
            .Add("tokenizer.ggml.tokens", GgufModels.Tokens(spec.VocabSize));
        metadata(w);
        foreach (var t in GgufLayout.Tensors(spec))
            w.Tensor(t.Name, "F16", t.Shape.Reverse().ToArray());
        return w;
    }

    private static readonly ModelSpec SmallCohere2 = ModelCatalog.Find("command-r7b")!.Spec with
    {
        VocabSize = 512, HiddenSize = 256, Layers = 8, AttentionHeads = 4, KeyValueHeads = 2, FfnSize = 512, MaxContextTokens = 8192,
    };

    private static readonly ModelSpec SmallMaverick = ModelCatalog.Find("llama-4-maverick")!.Spec with
    {
        VocabSize = 512, HiddenSize = 256, Layers = 8, AttentionHeads = 4, KeyValueHeads = 2, HeadDim = 64, FfnSize = 512,
        MaxContextTokens = 16384, Moe = ModelCatalog.Find("llama-4-maverick")!.Spec.Moe! with { RoutedExperts = 8, ExpertFfnSize = 128 },
    };

    [Fact]
    public void A_cohere2_gguf_maps_to_the_cohere2_spec()
    {
        var model = GgufArchitectureTests.Open(Gguf(SmallCohere2, "cohere2", w => w
            .Add("cohere2.attention.sliding_window", 4096u).Add("cohere2.logit_scale", GgufWriter.Value.F32(0.25f))
            .Add("cohere2.attention.layer_norm_epsilon", GgufWriter.Value.F32(1e-5f))));
        Assert.Equal(SmallCohere2, model.Spec);
        Assert.Equal(model.Inventory.Parameters, ParameterCounter.Count(model.Spec!).Total);
        // blk.N: attn_norm (weight only), attn_q/k/v/output, ffn_gate/up/down; no output.weight (tied)
        Assert.DoesNotContain(model.Inventory.Tensors, t => t.Name == "output.weight");
    }

    [Fact]
    public void A_llama4_gguf_maps_interleaved_experts_and_llama_cpp_s_fixed_chunk()
    {
        var model = GgufArchitectureTests.Open(Gguf(SmallMaverick, "llama4", w => w
            .Add("llama4.expert_count", 8u).Add("llama4.expert_used_count", 1u)
            .Add("llama4.expert_feed_forward_length", 128u).Add("llama4.interleave_moe_layer_step", 2u)
            .Add("llama4.attention.key_length", 64u).Add("llama4.attention.value_length", 64u)));
        var spec = model.Spec!;
        Assert.Equal("llama4_text", spec.Architecture);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 8192, GlobalLayerPeriod = 4, Chunked = true }, spec.SlidingWindow);
        Assert.Equal(2, spec.Moe!.LayerStep);
        Assert.Null(spec.Moe.DenseLayers);
        Assert.Equal(1, spec.Moe.SharedExperts);
        Assert.Equal(ParameterCounter.Count(SmallMaverick).Total, ParameterCounter.Count(spec).Total);
        Assert.Equal(model.Inventory.Parameters, ParameterCounter.Count(spec).Total);
        Assert.Contains(model.Inventory.Tensors, t => t.Name == "blk.1.ffn_up_shexp.weight");
        Assert.Contains(model.Inventory.Tensors, t => t.Name == "blk.0.ffn_up.weight");
    }

    [Fact]
    public void A_llama4_gguf_with_a_zero_window_has_no_chunked_attention()
    {
        var model = GgufArchitectureTests.Open(Gguf(SmallMaverick, "llama4", w => w
            .Add("llama4.expert_count", 8u).Add("llama4.expert_used_count", 1u)
            .Add("llama4.expert_feed_forward_length", 128u).Add("llama4.interleave_moe_layer_step", 2u)
            .Add("llama4.attention.key_length", 64u).Add("llama4.attention.sliding_window", 0u)));
        Assert.Null(model.Spec!.SlidingWindow);
    }

    [Theory]
    [InlineData("command-r7b")]
    [InlineData("llama-4-scout")]
    [InlineData("llama-4-maverick")]
    public void The_gguf_layout_and_its_q4_k_m_prediction_hold_every_parameter(string id)
    {
        var spec = ModelCatalog.Find(id)!.Spec;
        Assert.Equal(ParameterCounter.Count(spec).Total, GgufLayout.Tensors(spec).Sum(t => t.Elements));
        var predicted = WeightsPrediction.Predict(spec, "Q4_K_M", WeightsContainer.Gguf);
        Assert.Equal(ParameterCounter.Count(spec).Total, predicted.Parameters);
    }

    // ---------------------------------------------------------------- KV cache: llama.cpp

    private static MemoryEstimate LlamaCpp(string id, int context) =>
        LlamaCppProfile.Estimate(ModelCatalog.Find(id)!.Spec, WeightsPrediction.Predict(ModelCatalog.Find(id)!.Spec, "Q4_K_M", WeightsContainer.Gguf),
            new InferenceOptions { ContextTokens = context, MicroBatchTokens = 512, GpuLayers = 0 });

    [Fact]
    public void Llama_cpp_caches_cohere2_s_window_layers_in_the_swa_cache()
    {
        var e = LlamaCpp("command-r7b", 32_768);
        long row = 8 * 128 * 2; // K (or V) row: 8 KV heads × 128 × f16 = 2,048 B
        // full layers 3, 7, …, 31: 8 × 32,768 cells × (K + V) = 8 × 32,768 × 4,096 = 1,073,741,824
        Assert.Equal(8L * 32_768 * 2 * row, e.Items.Single(i => i.Name == LlamaCppProfile.KvCache).Bytes);
        // 24 window layers × pad256(4096 + 512) = 4,608 cells × 4,096 B = 452,984,832
        Assert.Equal(24L * 4_608 * 2 * row, e.Items.Single(i => i.Name == $"{LlamaCppProfile.KvCache} (sliding window)").Bytes);
    }

    [Fact]
    public void Llama_cpp_gives_llama_4_s_chunked_layers_a_chunk_plus_micro_batch()
    {
        var e = LlamaCpp("llama-4-scout", 32_768);
        long row = 8 * 128 * 2;
        // 12 global layers × 32,768 cells × 4,096 B = 1,610,612,736
        Assert.Equal(12L * 32_768 * 2 * row, e.Items.Single(i => i.Name == LlamaCppProfile.KvCache).Bytes);
        // 36 chunked layers × pad256(8192 + 512) = 8,704 cells × 4,096 B = 1,283,457,024
        Assert.Equal(36L * 8_704 * 2 * row, e.Items.Single(i => i.Name == $"{LlamaCppProfile.KvCache} (sliding window)").Bytes);
        Assert.Contains(e.Notes, n => n.Contains("chunked attention"));
        // a context shorter than chunk + micro-batch caches it whole in both caches: 48 × 4,096 cells × 4,096 B
        Assert.Equal(48L * 4_096 * 2 * row, LlamaCpp("llama-4-scout", 4_096).KvCacheBytes);
    }

    // ---------------------------------------------------------------- KV cache: vLLM

    [Fact]
    public void Vllm_groups_cohere2_s_window_layers_and_sizes_a_request_by_window()
    {
        var layout = VllmKvCache.Layout(ModelCatalog.Find("command-r7b")!.Spec, 1, 2, 16);
        // page = 16 tokens × 2 × 8 heads × 128 × 2 B = 65,536 B; groups of min(8 full, 24 sliding) = 8: 1 full + 3 sliding
        Assert.Equal((65_536L, 8, 1, 3, false), (layout.PageBytes, layout.GroupSize, layout.FullGroups, layout.SlidingGroups, layout.Chunked));
        // one request of 131,072 tokens, 8,192 batched: ⌈131072/16⌉ = 8,192 + 3 × (⌈(4095 + 8192)/16⌉ + 1 = 769) = 10,499 blocks
        Assert.Equal(10_499, VllmKvCache.BlocksPerRequest(layout, 131_072, 8_192));
        // startup check, per layer: 65,536 × (8 × 8,192 + 24 × 769) = 5,504,499,712 B
        Assert.Equal(5_504_499_712, VllmKvCache.BytesForOneRequest(layout, 131_072, 8_192));
    }

    [Fact]
    public void Vllm_sizes_llama_4_s_chunked_layers_by_chunk_plus_batched_tokens()
    {
        var layout = VllmKvCache.Layout(ModelCatalog.Find("llama-4-scout")!.Spec, 1, 2, 16);
        // groups of min(12 full, 36 chunked) = 12: 1 full + 3 chunked, no padding
        Assert.Equal((12, 1, 3, true, 48), (layout.GroupSize, layout.FullGroups, layout.SlidingGroups, layout.Chunked, layout.PagedLayers));
        // ChunkedLocalAttentionSpec: ⌈min(8192 + 8192, 131072)/16⌉ = 1,024 blocks per chunked group, no extra block:
        // 8,192 + 3 × 1,024 = 11,264 blocks
        Assert.Equal(11_264, VllmKvCache.BlocksPerRequest(layout, 131_072, 8_192));
        // 65,536 × (12 × 8,192 + 36 × 1,024) = 8,858,370,048 B
        Assert.Equal(8_858_370_048, VllmKvCache.BytesForOneRequest(layout, 131_072, 8_192));
        // a request shorter than chunk + batch: ⌈4096/16⌉ = 256 blocks in every group
        Assert.Equal(4 * 256, VllmKvCache.BlocksPerRequest(layout, 4_096, 8_192));
    }

    [Fact]
    public void Vllm_estimate_for_llama_4_says_the_hybrid_allocator_needs_chunked_attention_allowed()
    {
        var spec = ModelCatalog.Find("llama-4-scout")!.Spec;
        var e = VllmProfile.Estimate(spec, WeightsPrediction.Predict(spec, "BF16"),
            new InferenceOptions { ContextTokens = 131_072, TensorParallel = 8, GpuMemoryBytes = 80L << 30 });
        Assert.Contains(e.Notes, n => n.Contains("VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE"));
        Assert.Contains(e.Items.Single(i => i.Name == "KV cache").Inputs, i => i.Value.Contains("chunked local (chunk 8192)"));
    }

    // ---------------------------------------------------------------- KV cache: transformers

    [Fact]
    public void Transformers_keeps_window_minus_one_tokens_on_cohere2_s_sliding_layers()
    {
        // 2 × 8 × 128 × 2 B = 4,096 B per token and layer; 8 full layers × 32,768 + 24 sliding × 4,095 tokens
        // = 4,096 × 360,424 = 1,476,296,704 B
        Assert.Equal(1_476_296_704, DynamicCacheSize.Bytes(ModelCatalog.Find("command-r7b")!.Spec, 1, 32_768, 2));
    }

    [Fact]
    public void Transformers_caches_llama_4_s_chunked_layers_like_sliding_ones_of_the_chunk_size()
    {
        var spec = ModelCatalog.Find("llama-4-scout")!.Spec;
        // DynamicSlidingWindowLayer(sliding_window = attention_chunk_size): 12 full × 32,768 + 36 chunked × 8,191 tokens
        // = 4,096 × 688,092 = 2,818,424,832 B
        Assert.Equal(2_818_424_832, DynamicCacheSize.Bytes(spec, 1, 32_768, 2));
        var e = TransformersProfile.Estimate(spec, WeightsPrediction.Predict(spec, "BF16"), new InferenceOptions { ContextTokens = 32_768 });
        Assert.Equal(2_818_424_832, e.KvCacheBytes);
        Assert.Contains(e.Notes, n => n.Contains("attention_chunk_size"));
    }
}
