using System.Text.Json;
using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Inference;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Inference.Transformers;
using LlmSizer.Inference.Vllm;
using LlmSizer.Models;
using LlmSizer.Tests.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Models;

/// <summary>
/// Key/value head counts that differ by layer (OpenELM's <c>num_kv_heads</c>, llama.cpp's per-layer <c>head_count_kv</c>): the
/// spec, its validation and JSON, the parameter count, the GGUF mapping and layout, and the KV cache of every engine.
/// </summary>
public sealed class PerLayerKvHeadsTests
{
    /// <summary>
    /// OpenELM-like: 6 layers with 3, 3, 4, 4, 5, 5 KV heads (Σ 24). 60 query heads (divisible by 3, 4 and 5) of head_dim
    /// 960 / 60 = 16, a gated MLP of 1024, vocabulary 512, untied head, RMSNorm.
    /// </summary>
    private static readonly int[] KvHeads = [3, 3, 4, 4, 5, 5];

    private static readonly ModelSpec OpenElmLike = new()
    {
        Architecture = "llama", VocabSize = 512, HiddenSize = 960, Layers = 6, AttentionHeads = 60,
        KeyValueHeadsPerLayer = KvHeads, FfnSize = 1024, MaxContextTokens = 4096,
    };

    private const int HeadDim = 16, KvHeadSum = 24, Layers = 6;

    [Fact]
    public void Per_layer_heads_are_read_by_layer_and_the_single_count_is_the_largest()
    {
        Assert.Equal(KvHeads, Enumerable.Range(0, Layers).Select(OpenElmLike.KeyValueHeadsAt));
        Assert.Equal(5, OpenElmLike.EffectiveKeyValueHeads);
        Assert.True(OpenElmLike.HasPerLayerKeyValueHeads);

        var uniform = OpenElmLike with { KeyValueHeadsPerLayer = null, KeyValueHeads = 4 };
        Assert.Equal(4, uniform.KeyValueHeadsAt(5));
        Assert.False(uniform.HasPerLayerKeyValueHeads);
    }

    [Fact]
    public void Parameters_count_each_layers_k_and_v_and_still_sum_exactly()
    {
        var count = ParameterCounter.Count(OpenElmLike);

        // embedding + lm_head 2 × 512 × 960 = 983,040; q and o 6 × 2 × 960 × 960 = 11,059,200;
        // k and v 2 × 960 × 16 × Σkv 24 = 737,280; norms 6 × 2 × 960 + final 960 = 12,480; MLP 6 × 3 × 960 × 1024 = 17,694,720.
        const long expected = 2L * 512 * 960 + 6L * 2 * 960 * 960 + 2L * 960 * HeadDim * KvHeadSum + (6L * 2 * 960 + 960) + 6L * 3 * 960 * 1024;
        Assert.Equal(30_486_720, expected);
        Assert.Equal(expected, count.Total);
        Assert.Equal(count.Total, count.Components.Sum(c => c.Total));

        // Layers with equal counts share a component: 2 layers each of 3, 4 and 5 heads.
        var k = count.Components.Where(c => c.Name.StartsWith("layers.attention.k", StringComparison.Ordinal)).ToList();
        Assert.Equal(["layers.attention.k (3 kv heads)", "layers.attention.k (4 kv heads)", "layers.attention.k (5 kv heads)"], k.Select(c => c.Name));
        Assert.All(k, c => Assert.Equal(2, c.Instances));
        Assert.Equal(960L * HeadDim * KvHeadSum, k.Sum(c => c.Total));
    }

    [Fact]
    public void A_uniform_model_keeps_its_single_k_and_v_components()
    {
        var count = ParameterCounter.Count(OpenElmLike with { KeyValueHeadsPerLayer = null, KeyValueHeads = 4 });
        Assert.Single(count.Components, c => c.Name == "layers.attention.k");
        Assert.Single(count.Components, c => c.Name == "layers.attention.v");
    }

    [Fact]
    public void A_layer_without_kv_heads_has_no_k_or_v()
    {
        var spec = OpenElmLike with { KeyValueHeadsPerLayer = [0, 3, 4, 4, 5, 5] };
        // Layer 0 loses its 2 × 960 × 3 × 16 k/v weights.
        Assert.Equal(30_486_720 - 2L * 960 * 3 * HeadDim, ParameterCounter.Count(spec).Total);
        var layout = GgufLayout.Tensors(spec);
        Assert.DoesNotContain(layout, t => t.Name == "blk.0.attn_k.weight");
        Assert.Contains(layout, t => t.Name == "blk.0.attn_q.weight");
        // Transformers keeps nothing for it either: 1000 tokens × 2 × 16 × 2 B × (24 − 3) heads.
        Assert.Equal(1000L * 2 * HeadDim * 2 * 21, DynamicCacheSize.Bytes(spec, 1, 1000, 2));
    }

    [Fact]
    public void Json_round_trips_the_per_layer_heads_and_leaves_uniform_json_unchanged()
    {
        string json = JsonSerializer.Serialize(OpenElmLike);
        Assert.Contains("\"keyValueHeadsPerLayer\":[3,3,4,4,5,5]", json);
        var back = JsonSerializer.Deserialize<ModelSpec>(json)!;
        Assert.Equal(KvHeads, back.KeyValueHeadsPerLayer);
        Assert.Equal(5, back.KeyValueHeads); // written as the single count, which validation requires to be the largest
        Assert.Equal(ParameterCounter.Count(OpenElmLike).Total, ParameterCounter.Count(back).Total);
        Assert.Equal(json, JsonSerializer.Serialize(back));

        string uniform = JsonSerializer.Serialize(OpenElmLike with { KeyValueHeadsPerLayer = null, KeyValueHeads = 4 });
        Assert.DoesNotContain("keyValueHeadsPerLayer", uniform);
    }

    [Fact]
    public void Json_rejects_a_negative_entry_by_name()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ModelSpec>(
            """{"architecture":"llama","vocabSize":512,"hiddenSize":960,"layers":2,"attentionHeads":60,"ffnSize":1024,"keyValueHeadsPerLayer":[3,-1]}"""));
        Assert.StartsWith("spec.keyValueHeadsPerLayer: expected integers from 0 to", e.Message);
    }

    public static TheoryData<int[], int?, string, string> InvalidSpecs => new()
    {
        { [3, 3, 4, 4, 5], null, "keyValueHeadsPerLayer", "expected one value per layer (6), found 5" },
        { [3, 3, 4, 4, 5, -1], null, "keyValueHeadsPerLayer", "layer 5: expected an integer from 0 to num_attention_heads (60), found -1" },
        { [3, 3, 4, 4, 5, 61], null, "keyValueHeadsPerLayer", "layer 5: expected an integer from 0 to num_attention_heads (60), found 61" },
        { [3, 3, 7, 4, 5, 5], null, "keyValueHeadsPerLayer", "layer 2: expected 0 or a divisor of num_attention_heads (60), found 7" },
        { [0, 0, 0, 0, 0, 0], null, "keyValueHeadsPerLayer", "expected at least one layer with key/value heads, found 0 in every layer" },
        { [3, 3, 4, 4, 5, 5], 4, "num_key_value_heads", "expected the largest per-layer value (5) when keyValueHeadsPerLayer is given, found 4" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void Invalid_per_layer_heads_are_errors_naming_the_field(int[] perLayer, int? kvHeads, string field, string problem)
    {
        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(OpenElmLike with { KeyValueHeadsPerLayer = perLayer, KeyValueHeads = kvHeads }));
        Assert.Equal(field, e.Field);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void Per_layer_heads_with_latent_attention_are_an_error()
    {
        var deepSeek = ModelCatalog.Find("deepseek-v2-lite")!.Spec;
        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(deepSeek with { KeyValueHeadsPerLayer = Enumerable.Repeat(1, deepSeek.Layers).ToArray() }));
        Assert.Equal("keyValueHeadsPerLayer", e.Field);
    }

    // ---- GGUF ----

    /// <summary>A llama GGUF of <see cref="OpenElmLike"/> as llama.cpp's converter writes a per-layer head_count_kv.</summary>
    private static GgufWriter Gguf(ModelSpec spec)
    {
        var w = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("llama.block_count", (uint)spec.Layers)
            .Add("llama.embedding_length", (uint)spec.HiddenSize)
            .Add("llama.feed_forward_length", (uint)spec.FfnSize)
            .Add("llama.attention.head_count", (uint)spec.AttentionHeads)
            .Add("llama.attention.head_count_kv", GgufWriter.Value.U32s(spec.KeyValueHeadsPerLayer!.Select(k => (uint)k)))
            .Add("llama.context_length", (uint)spec.MaxContextTokens)
            .Add("llama.rope.dimension_count", (uint)spec.EffectiveHeadDim)
            .Add("llama.attention.layer_norm_rms_epsilon", GgufWriter.Value.F32(1e-5f))
            .Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.tokens", GgufModels.Tokens(spec.VocabSize));
        // Norms in F32 and matrices in F16, as llama.cpp's converter writes them for an F16 file.
        foreach (var t in GgufLayout.Tensors(spec))
            w.Tensor(t.Name, t.Role == GgufTensorRole.Norm ? "F32" : "F16", t.Shape.Reverse().ToArray());
        return w;
    }

    private static readonly Lazy<GgufModel> Model = new(() => GgufArchitectureTests.Open(Gguf(OpenElmLike)));

    [Fact]
    public void The_gguf_layout_writes_each_layers_k_and_v_rows()
    {
        var layout = GgufLayout.Tensors(OpenElmLike);
        for (int i = 0; i < Layers; i++)
        {
            Assert.Equal([KvHeads[i] * HeadDim, 960L], layout.Single(t => t.Name == $"blk.{i}.attn_k.weight").Shape);
            Assert.Equal([KvHeads[i] * HeadDim, 960L], layout.Single(t => t.Name == $"blk.{i}.attn_v.weight").Shape);
        }
        Assert.Equal(ParameterCounter.Count(OpenElmLike).Total, layout.Sum(t => t.Elements));
    }

    [Fact]
    public void A_per_layer_head_count_kv_array_maps_to_the_per_layer_spec_and_counts_exactly()
    {
        var gguf = Model.Value;
        var spec = gguf.Spec!;
        Assert.Equal(KvHeads, spec.KeyValueHeadsPerLayer);
        Assert.Equal(5, spec.KeyValueHeads);
        Assert.DoesNotContain(gguf.Notes, n => n.Contains("head_count_kv", StringComparison.Ordinal));
        Assert.Equal(30_486_720, gguf.Inventory.Parameters);
        Assert.Equal(gguf.Inventory.Parameters, ParameterCounter.Count(spec).Total);
    }

    [Fact]
    public void An_equal_per_layer_array_is_one_count()
    {
        var spec = OpenElmLike with { KeyValueHeadsPerLayer = [4, 4, 4, 4, 4, 4] };
        var mapped = GgufArchitectureTests.Open(Gguf(spec)).Spec!;
        Assert.Null(mapped.KeyValueHeadsPerLayer);
        Assert.Equal(4, mapped.KeyValueHeads);
    }

    [Fact]
    public void A_per_layer_entry_that_does_not_divide_the_heads_is_an_error_naming_head_count_kv()
    {
        var w = Gguf(OpenElmLike).Remove("llama.attention.head_count_kv")
            .Add("llama.attention.head_count_kv", GgufWriter.Value.U32s([3u, 3u, 7u, 4u, 5u, 5u]));
        var e = Assert.Throws<InputException>(() => GgufArchitectureTests.Open(w));
        Assert.EndsWith("llama.attention.head_count_kv: layer 2: expected 0 or a divisor of num_attention_heads (60), found 7", e.Message);
    }

    // ---- KV caches ----

    [Fact]
    public void Llama_cpp_caches_each_layers_own_rows_with_flash_attention()
    {
        var e = LlamaCppProfile.Estimate(Model.Value.Spec!, Model.Value.Inventory,
            new InferenceOptions { ContextTokens = 4096, FlashAttention = true, GpuLayers = 0 });
        // Σ layers 4096 cells × (K f16 2 B × 16 × kv + V 2 B × 16 × kv) = 4096 × 2 × 2 × 16 × 24 = 6,291,456.
        Assert.Equal(4096L * 2 * 2 * HeadDim * KvHeadSum, e.KvCacheBytes);
        Assert.Equal(6_291_456, e.KvCacheBytes);
        var item = Assert.Single(e.Items, i => i.Category == MemoryCategory.KvCache);
        Assert.StartsWith("2 layers × 4096 cells × 1 stream × (K row 96 B (f16 × 48) + V row 96 B (f16 × 48)) + 2 layers", item.Formula);
    }

    [Fact]
    public void Llama_cpp_pads_every_v_row_to_the_widest_without_flash_attention()
    {
        var e = LlamaCppProfile.Estimate(Model.Value.Spec!, Model.Value.Inventory,
            new InferenceOptions { ContextTokens = 4096, FlashAttention = false, GpuLayers = 0 });
        // K: 4096 × 2 B × 16 × Σkv 24 = 3,145,728; V transposed, each of 6 layers as wide as 5 heads: 4096 × 2 B × 16 × 5 × 6 = 3,932,160.
        Assert.Equal(4096L * 2 * HeadDim * KvHeadSum + 4096L * 2 * HeadDim * 5 * Layers, e.KvCacheBytes);
        Assert.Equal(7_077_888, e.KvCacheBytes);
    }

    [Fact]
    public void Vllm_pages_every_layer_at_its_own_width_in_one_group()
    {
        var spec = Model.Value.Spec!;
        var layout = VllmKvCache.Layout(spec, tensorParallel: 1, elementBytes: 2, blockSize: 16);
        // Page of layer i: 16 tokens × 2 × kv_i × 16 × 2 B = 1024 × kv_i; one block holds one page of every layer: 1024 × 24 = 24,576 B.
        Assert.Equal(KvHeads.Select(k => 1024L * k), layout.LayerPageBytes!);
        Assert.Equal(24_576, layout.BlockBytes);
        Assert.Equal(1, layout.Groups);
        // 1 GiB buys ⌊1,073,741,824 / 24,576⌋ = 43,690 blocks = 699,040 tokens; a 4096-token request needs 256 blocks.
        long blocks = VllmKvCache.Blocks(layout, 1L << 30);
        Assert.Equal(43_690, blocks);
        Assert.Equal(699_040, VllmKvCache.Tokens(layout, blocks));
        Assert.Equal(256, VllmKvCache.BlocksPerRequest(layout, 4096, 8192));
        Assert.Equal(256L * 24_576, VllmKvCache.BytesForOneRequest(layout, 4096, 8192));

        // Without a GPU size the estimate is one request: 256 blocks × 24,576 B = 6,291,456 B (as llama.cpp with flash attention).
        var e = VllmProfile.Estimate(spec, Model.Value.Inventory, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 4096 });
        Assert.Equal(6_291_456, e.KvCacheBytes);
    }

    [Fact]
    public void Vllm_splits_each_layers_heads_across_ranks()
    {
        // 16 query heads, KV heads 2, 2, 4, 4, 8, 8 at tensor parallel 2: each rank holds 1, 1, 2, 2, 4, 4 (Σ 14) of head_dim 60.
        var spec = new ModelSpec
        {
            Architecture = "llama", VocabSize = 512, HiddenSize = 960, Layers = 6, AttentionHeads = 16,
            KeyValueHeadsPerLayer = [2, 2, 4, 4, 8, 8], FfnSize = 1024,
        };
        Assert.Equal([1, 1, 2, 2, 4, 4], Enumerable.Range(0, 6).Select(l => VllmWeights.KeyValueHeadsPerRank(spec, 2, l)));
        var layout = VllmKvCache.Layout(spec, tensorParallel: 2, elementBytes: 2, blockSize: 16);
        // Σ pages: 16 tokens × 2 × 14 heads × 60 × 2 B = 53,760 B per block.
        Assert.Equal(16L * 2 * 14 * 60 * 2, layout.BlockBytes);
        Assert.Equal(2L * 14 * 60 * 2, VllmKvCache.BytesPerToken(spec, 2, 2));

        // Each attn_k tensor keeps its layer's share: layer 4 (8 heads × 60 rows × 960, F16) halves; layer 0 (2 heads) halves too.
        var layer4 = new LlmSizer.Formats.TensorInfo("blk.4.attn_k.weight", [480, 960], "F16", 460_800, 460_800, 921_600,
            LlmSizer.Formats.TensorRole.Weight, ParameterCategory.Attention);
        Assert.Equal(460_800, VllmWeights.BytesPerRank(layer4, spec, 2));

        // KV heads of 2 cannot be split over 4 ranks evenly while 8 can: every layer's count must divide or be a multiple of TP.
        VllmWeights.ValidateTensorParallel(spec, 4);
        var odd = spec with { KeyValueHeadsPerLayer = [2, 2, 4, 4, 8, 16], AttentionHeads = 48 };
        Assert.Throws<UsageException>(() => VllmWeights.ValidateTensorParallel(odd, 3));
    }

    [Fact]
    public void Vllm_refuses_per_layer_heads_mixed_with_sliding_window_layers()
    {
        var spec = OpenElmLike with { SlidingWindow = new SlidingWindowSpec { WindowTokens = 512, GlobalLayerPeriod = 2 } };
        var e = Assert.Throws<UsageException>(() => VllmKvCache.Layout(spec, 1, 2, 16));
        Assert.Contains("unify_kv_cache_spec_page_size", e.Message);
    }

    [Fact]
    public void Transformers_dynamic_cache_holds_each_layers_own_heads()
    {
        var spec = Model.Value.Spec!;
        // Σ layers 1000 tokens × 2 (K and V) × kv_i × 16 × 2 B = 1000 × 64 × 24 = 1,536,000; two sequences twice that.
        Assert.Equal(1000L * 2 * HeadDim * 2 * KvHeadSum, DynamicCacheSize.Bytes(spec, 1, 1000, 2));
        Assert.Equal(1_536_000, DynamicCacheSize.Bytes(spec, 1, 1000, 2));
        Assert.Equal(3_072_000, DynamicCacheSize.Bytes(spec, 2, 1000, 2));

        var e = TransformersProfile.Estimate(spec, Model.Value.Inventory,
            new InferenceOptions { Engine = InferenceEngine.Transformers, ContextTokens = 1000, Sequences = 1 });
        Assert.Equal(1_536_000, e.KvCacheBytes);
    }
}
