using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Gguf;

/// <summary>
/// Each mapped architecture, written with a real model's tensor shapes (sparse files: headers only): the spec read
/// from the metadata must count exactly what the tensors hold, and both must equal the model's published count.
/// </summary>
public class GgufArchitectureTests
{
    public static TheoryData<string, long> RealModels => new()
    {
        { nameof(GgufModels.Llama31_8B), 8_030_261_248 },
        { nameof(GgufModels.Mistral7B), 7_241_732_096 },
        { nameof(GgufModels.Mixtral8x7B), 46_702_792_704 },
        { nameof(GgufModels.Qwen25_05B), 494_032_768 },
        { nameof(GgufModels.Qwen15MoeA27B), 14_315_784_192 },
        { nameof(GgufModels.Qwen3_06B), 596_049_920 },
        { nameof(GgufModels.Qwen3_30B_A3B), 30_532_122_624 },
        { nameof(GgufModels.Gemma2_2B), 2_614_341_888 },
        { nameof(GgufModels.Gemma3_1B), 999_885_952 },
        { nameof(GgufModels.Phi3Mini128k), 3_821_079_552 },
        { nameof(GgufModels.DeepSeekV2Lite), 15_706_484_224 },
        { nameof(GgufModels.DeepSeekV3), 671_026_419_200 },
        { nameof(GgufModels.GptOss20B), 20_914_757_184 },
        // GPT-2's 124,439,808 plus the copy of the 50,257 × 768 embedding that llama.cpp's converter stores as output.weight.
        { nameof(GgufModels.Gpt2), 124_439_808 + 38_597_376 },
        { nameof(GgufModels.Falcon7B), 6_921_720_704 },
        // Qwen3-Next-80B-A3B without its MTP layer: the safetensors' 81,324,862,720 less the 1,650,471,424 of mtp.* (see the config tests).
        { nameof(GgufModels.Qwen3Next80B), 79_674_391_296 },
        // ibm-granite/granite-4.0-h-tiny: safetensors metadata total 6,939,037,248.
        { nameof(GgufModels.GraniteHTiny), 6_939_037_248 },
        // LiquidAI/LFM2-1.2B: model card 1,170,340,608.
        { nameof(GgufModels.Lfm2_12B), 1_170_340_608 },
    };

    internal static GgufShape Shape(string name) =>
        (GgufShape)typeof(GgufModels).GetProperty(name)!.GetValue(null)!;

    internal static GgufModel Open(GgufWriter writer)
    {
        using var dir = new TempDirectory();
        return GgufModel.Open(writer.Write(Path.Combine(dir.Path, "model.gguf")));
    }

    [Theory]
    [MemberData(nameof(RealModels))]
    public void The_spec_from_the_metadata_counts_exactly_what_the_tensors_hold(string model, long parameters)
    {
        var gguf = Open(GgufModels.Writer(Shape(model)));

        Assert.NotNull(gguf.Spec);
        Assert.Equal(parameters, gguf.Inventory.Parameters);
        Assert.Equal(parameters, ParameterCounter.Count(gguf.Spec).Total);
        Assert.DoesNotContain(gguf.Notes, n => n.Contains("the tensors are exact"));
    }

    [Theory]
    [MemberData(nameof(RealModels))]
    public void The_breakdown_by_category_matches_the_counter(string model, long parameters)
    {
        var gguf = Open(GgufModels.Writer(Shape(model)));
        var counted = ParameterCounter.Count(gguf.Spec!).Breakdown;
        var stored = gguf.Inventory.Breakdown;

        Assert.Equal(parameters, stored.Total);
        Assert.Equal(counted.Embedding, stored.Embedding);
        Assert.Equal(counted.Attention, stored.Attention);
        Assert.Equal(counted.Mlp, stored.Mlp);
        Assert.Equal(counted.Norm, stored.Norm);
        Assert.Equal(counted.LmHead, stored.LmHead);
    }

    [Fact]
    public void Llama_31_8b_maps_to_a_gqa_llama_whose_rope_frequencies_are_a_buffer()
    {
        var gguf = Open(GgufModels.Writer(GgufModels.Llama31_8B));
        var spec = gguf.Spec!;

        Assert.Equal("llama", spec.Architecture);
        Assert.Equal((128_256L, 4096, 32, 32, 8, 14_336L), (spec.VocabSize, spec.HiddenSize, spec.Layers, spec.AttentionHeads, spec.EffectiveKeyValueHeads, spec.FfnSize));
        Assert.Equal(131_072, spec.MaxContextTokens);
        Assert.False(spec.TiedEmbeddings);
        Assert.Equal(NormKind.RmsNorm, spec.Norm);
        Assert.Equal(MlpKind.Gated, spec.Mlp);
        Assert.Null(spec.SlidingWindow);

        var rope = gguf.Inventory.Tensors.Single(t => t.Name == "rope_freqs.weight");
        Assert.Equal(TensorRole.Buffer, rope.Role);
        Assert.Equal(0, rope.Parameters);
        Assert.Equal(64, rope.Elements);
        Assert.Contains("rope_freqs.weight (64 values) holds RoPE frequency factors, not parameters; not counted", gguf.Notes);
    }

    [Fact]
    public void Mistral_7b_slides_every_layer_through_its_window()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Mistral7B)).Spec!;
        Assert.Equal("mistral", spec.Architecture);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 4096, GlobalLayerPeriod = 0 }, spec.SlidingWindow);
    }

    [Fact]
    public void Mixtral_stored_as_llama_with_experts_maps_to_eight_experts_two_per_token()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Mixtral8x7B)).Spec!;
        Assert.Equal("mixtral", spec.Architecture);
        Assert.Equal((8, 2, 14_336L), (spec.Moe!.RoutedExperts, spec.Moe.ExpertsPerToken, spec.Moe.ExpertFfnSize));
        Assert.Equal(12_879_925_248, ParameterCounter.Count(spec).Active);
    }

    [Fact]
    public void Qwen25_05b_has_tied_embeddings_and_biased_qkv()
    {
        var gguf = Open(GgufModels.Writer(GgufModels.Qwen25_05B));
        Assert.True(gguf.Spec!.TiedEmbeddings);
        Assert.Equal(new BiasSpec { Qkv = true }, gguf.Spec.Biases);
        Assert.DoesNotContain(gguf.Inventory.Tensors, t => t.Name == "output.weight");
    }

    [Fact]
    public void Qwen3_reads_its_head_dim_from_key_length_and_norms_each_head()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Qwen3_06B)).Spec!;
        Assert.Equal("qwen3", spec.Architecture);
        Assert.Equal(128, spec.HeadDim);
        Assert.Equal(QkNormKind.PerHead, spec.QkNorm);
    }

    [Fact]
    public void Qwen3_moe_has_128_experts_of_768_and_no_shared_expert()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Qwen3_30B_A3B)).Spec!;
        Assert.Equal("qwen3_moe", spec.Architecture);
        Assert.Equal(new MoeSpec { RoutedExperts = 128, ExpertsPerToken = 8, ExpertFfnSize = 768 }, spec.Moe);
        Assert.Equal(3_353_032_704, ParameterCounter.Count(spec).Active);
    }

    [Fact]
    public void Qwen2_moe_has_a_gated_shared_expert_of_its_own_size()
    {
        var moe = Open(GgufModels.Writer(GgufModels.Qwen15MoeA27B)).Spec!.Moe!;
        Assert.Equal((1, 5632L, true), (moe.SharedExperts, moe.SharedExpertFfnSize, moe.SharedExpertGate));
    }

    [Fact]
    public void Gemma2_alternates_sliding_and_global_layers_with_four_norms_each()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Gemma2_2B)).Spec!;
        Assert.Equal("gemma2", spec.Architecture);
        Assert.Equal(4, spec.NormsPerLayer);
        Assert.Equal(256, spec.HeadDim);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 4096, GlobalLayerPeriod = 2 }, spec.SlidingWindow);
        Assert.True(spec.IsSlidingLayer(0));
        Assert.False(spec.IsSlidingLayer(1));
    }

    [Fact]
    public void Gemma3_has_five_local_layers_then_one_global()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Gemma3_1B)).Spec!;
        Assert.Equal("gemma3_text", spec.Architecture);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 512, GlobalLayerPeriod = 6 }, spec.SlidingWindow);
        Assert.Equal(QkNormKind.PerHead, spec.QkNorm);
    }

    [Fact]
    public void A_sliding_window_pattern_key_overrides_the_architectures_period()
    {
        var w = GgufModels.Writer(GgufModels.Gemma3_1B).Add("gemma3.attention.sliding_window_pattern", 4u);
        Assert.Equal(4, Open(w).Spec!.SlidingWindow!.GlobalLayerPeriod);
    }

    [Fact]
    public void A_per_layer_sliding_window_pattern_of_bools_gives_the_period()
    {
        var pattern = Enumerable.Range(0, 26).Select(i => GgufWriter.Value.Bool((i + 1) % 3 != 0)).ToArray();
        var w = GgufModels.Writer(GgufModels.Gemma3_1B)
            .Add("gemma3.attention.sliding_window_pattern", GgufWriter.Value.Array(LlmSizer.Formats.Gguf.GgufValueType.Bool, pattern));
        Assert.Equal(3, Open(w).Spec!.SlidingWindow!.GlobalLayerPeriod);
    }

    [Fact]
    public void Phi3_fuses_its_projections_and_its_longrope_factors_are_buffers()
    {
        var gguf = Open(GgufModels.Writer(GgufModels.Phi3Mini128k));
        Assert.Equal(MlpKind.Gated, gguf.Spec!.Mlp);
        Assert.All(gguf.Inventory.Tensors.Where(t => t.Name.StartsWith("rope_factors_")), t => Assert.Equal(TensorRole.Buffer, t.Role));
        Assert.Contains("rope_factors_long.weight (48 values), rope_factors_short.weight (48 values) hold RoPE frequency factors, not parameters; not counted", gguf.Notes);
        Assert.Contains("llama.cpp currently disables Phi-3's sliding window and caches the whole context", gguf.Notes);
    }

    [Fact]
    public void DeepSeek_v2_lite_maps_latent_attention_without_a_query_rank()
    {
        var spec = Open(GgufModels.Writer(GgufModels.DeepSeekV2Lite)).Spec!;
        Assert.Equal("deepseek_v2", spec.Architecture);
        Assert.Equal(new MlaSpec { QLoraRank = null, KvLoraRank = 512, QkNopeHeadDim = 128, QkRopeHeadDim = 64, VHeadDim = 128 }, spec.Mla);
        Assert.Equal(new MoeSpec { RoutedExperts = 64, ExpertsPerToken = 6, ExpertFfnSize = 1408, SharedExperts = 2, FirstDenseLayers = 1 }, spec.Moe);
        Assert.Equal(10_944, spec.FfnSize);
    }

    [Fact]
    public void DeepSeek_v3_files_from_the_mla_rework_read_head_sizes_from_the_mla_keys()
    {
        var spec = Open(GgufModels.Writer(GgufModels.DeepSeekV3)).Spec!;
        Assert.Equal("deepseek_v3", spec.Architecture);
        Assert.Equal(new MlaSpec { QLoraRank = 1536, KvLoraRank = 512, QkNopeHeadDim = 128, QkRopeHeadDim = 64, VHeadDim = 128 }, spec.Mla);
        Assert.True(spec.Moe!.RouterScoreCorrectionBias);
        Assert.Equal(3, spec.Moe.FirstDenseLayers);
        Assert.Equal(1, spec.Moe.SharedExperts);
        Assert.Equal(37_552_297_472, ParameterCounter.Count(spec).Active);
    }

    [Fact]
    public void Gpt_oss_has_sinks_biases_and_alternating_windows()
    {
        var spec = Open(GgufModels.Writer(GgufModels.GptOss20B)).Spec!;
        Assert.Equal("gpt_oss", spec.Architecture);
        Assert.True(spec.AttentionSinks);
        Assert.Equal(new BiasSpec { Qkv = true, AttentionOutput = true, Mlp = true }, spec.Biases);
        Assert.True(spec.Moe!.RouterBias);
        Assert.Equal(64, spec.HeadDim);
        Assert.Equal(new SlidingWindowSpec { WindowTokens = 128, GlobalLayerPeriod = 2 }, spec.SlidingWindow);
        Assert.Equal(2, spec.NormsPerLayer);
    }

    [Fact]
    public void Gpt2_has_learned_positions_layer_norms_and_a_plain_mlp()
    {
        var gguf = Open(GgufModels.Writer(GgufModels.Gpt2));
        var spec = gguf.Spec!;
        Assert.Equal((PositionEncoding.Learned, 1024), (spec.Positions, spec.LearnedPositions));
        Assert.Equal(NormKind.LayerNorm, spec.Norm);
        Assert.Equal(MlpKind.Plain, spec.Mlp);
        Assert.Equal(BiasSpec.AllButLmHead, spec.Biases);
        Assert.Contains(gguf.Notes, n => n.StartsWith("GPT-2 ties its output matrix"));
    }

    [Fact]
    public void Falcon_7b_is_a_parallel_block_with_one_layer_norm_and_one_kv_head()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Falcon7B)).Spec!;
        Assert.True(spec.ParallelBlocks);
        Assert.Equal(1, spec.NormsPerLayer);
        Assert.Equal(1, spec.KeyValueHeads);
        Assert.Equal(NormKind.LayerNorm, spec.Norm);
        Assert.True(spec.TiedEmbeddings);
    }

    [Fact]
    public void Per_layer_kv_head_counts_become_the_specs_per_layer_heads()
    {
        var kv = Enumerable.Range(0, 32).Select(i => GgufWriter.Value.U32(i % 2 == 0 ? 8u : 4u)).ToArray();
        var w = GgufModels.Writer(GgufModels.Llama31_8B).Remove("llama.attention.head_count_kv")
            .Add("llama.attention.head_count_kv", GgufWriter.Value.Array(LlmSizer.Formats.Gguf.GgufValueType.UInt32, kv));
        var gguf = Open(w);
        Assert.Equal(8, gguf.Spec!.KeyValueHeads);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? 8 : 4), gguf.Spec.KeyValueHeadsPerLayer!);
        Assert.DoesNotContain(gguf.Notes, n => n.Contains("differs by layer", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_architecture_still_gives_exact_parameters_without_a_spec()
    {
        var w = new GgufWriter().Add("general.architecture", "rwkv7").Tensor("token_embd.weight", "F16", 64, 100).Tensor("blk.0.time_mix_w0.weight", "F32", 64);
        var gguf = Open(w);
        Assert.Null(gguf.Spec);
        Assert.Equal(6464, gguf.Inventory.Parameters);
        Assert.Contains(gguf.Notes, n => n.StartsWith("architecture \"rwkv7\" is not mapped to a model description"));
    }

    [Fact]
    public void A_vocabulary_without_tokens_comes_from_vocab_size()
    {
        var w = WithoutTokens(GgufModels.Qwen25_05B).Add("qwen2.vocab_size", 151_936u);
        Assert.Equal(151_936, Open(w).Spec!.VocabSize);
    }

    [Fact]
    public void A_vocabulary_without_tokens_or_vocab_size_is_token_embd_rows()
    {
        var gguf = Open(WithoutTokens(GgufModels.Qwen25_05B));
        Assert.Equal(151_936, gguf.Spec!.VocabSize);
        Assert.Contains("no tokenizer.ggml.tokens or qwen2.vocab_size: the vocabulary is token_embd.weight's 151936 rows", gguf.Notes);
    }

    [Fact]
    public void When_the_tokens_and_the_embedding_disagree_the_stored_rows_win()
    {
        var w = WithoutTokens(GgufModels.Qwen25_05B).Add("tokenizer.ggml.tokens", GgufModels.Tokens(151_665));
        var gguf = Open(w);
        Assert.Equal(151_936, gguf.Spec!.VocabSize);
        Assert.Contains("token_embd.weight has 151936 rows but tokenizer.ggml.tokens gives 151665; the spec uses the 151936 rows the file stores", gguf.Notes);
    }

    [Fact]
    public void When_the_metadata_and_the_tensors_disagree_a_note_says_the_tensors_are_exact()
    {
        var w = GgufModels.Writer(GgufModels.Llama31_8B).Tensor("extra.weight", "F32", 10);
        Assert.Contains("the architecture in the metadata counts 8,030,261,248 parameters but the tensors hold 8,030,261,258; the tensors are exact",
            Open(w).Notes);
    }

    [Fact]
    public void A_missing_required_key_is_an_error_naming_it()
    {
        var w = new GgufWriter().Add("general.architecture", "llama").Add("llama.embedding_length", 4096u);
        var e = Assert.Throws<InputException>(() => Open(w));
        Assert.EndsWith(": metadata 'llama.block_count': expected an integer, found none (llama.cpp requires it)", e.Message);
    }

    [Fact]
    public void A_zero_block_count_is_an_error_at_its_offset()
    {
        var w = GgufModels.Writer(GgufModels.Qwen25_05B with { Layers = 0 });
        var e = Assert.Throws<InputException>(() => Open(w));
        Assert.EndsWith($":{w.Positions["value:qwen2.block_count"]}: qwen2.block_count: expected a positive integer, found 0", e.Message);
    }

    [Fact]
    public void Kv_heads_that_do_not_divide_the_heads_are_an_error_naming_head_count_kv()
    {
        var w = GgufModels.Writer(GgufModels.Qwen25_05B with { KvHeads = 3 });
        var e = Assert.Throws<InputException>(() => Open(w));
        Assert.EndsWith($":{w.Positions["value:qwen2.attention.head_count_kv"]}: qwen2.attention.head_count_kv: expected a divisor of num_attention_heads (14), found 3", e.Message);
    }

    [Fact]
    public void Leading_dense_layers_without_a_feed_forward_length_are_an_error_naming_it()
    {
        var w = GgufModels.Writer(GgufModels.DeepSeekV2Lite).Remove("deepseek2.feed_forward_length");
        var e = Assert.Throws<InputException>(() => Open(w));
        Assert.EndsWith(": metadata 'deepseek2.feed_forward_length': expected a positive size for the dense layers, found 0", e.Message);
    }

    [Fact]
    public void More_experts_per_token_than_experts_is_an_error_naming_expert_used_count()
    {
        var w = GgufModels.Writer(GgufModels.Qwen3_30B_A3B with { ExpertsUsed = 129 });
        var e = Assert.Throws<InputException>(() => Open(w));
        Assert.EndsWith($":{w.Positions["value:qwen3moe.expert_used_count"]}: qwen3moe.expert_used_count: expected an integer from 1 to 128, found 129", e.Message);
    }

    private static GgufWriter WithoutTokens(GgufShape shape) => GgufModels.Writer(shape).Remove("tokenizer.ggml.tokens");

    [Fact]
    public void Qwen3_next_maps_its_ssm_keys_to_36_gated_deltanet_layers_and_12_gated_attention_layers()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Qwen3Next80B)).Spec!;
        Assert.Equal("qwen3_next", spec.Architecture);
        Assert.True(spec.AttentionOutputGate);
        Assert.Equal(new RecurrentSpec
        {
            Kind = RecurrentKind.GatedDeltaNet, LayerPattern = string.Concat(Enumerable.Repeat("MMM*", 12)), ConvKernel = 4,
            StateSize = 128, Groups = 16, Heads = 32, HeadDim = 128,
        }, spec.Recurrent);
        Assert.Equal(new MoeSpec
        {
            RoutedExperts = 512, ExpertsPerToken = 10, ExpertFfnSize = 512, SharedExperts = 1, SharedExpertFfnSize = 512, SharedExpertGate = true,
        }, spec.Moe);
        // The same spec as config.json gives, but for the MTP layer the config does not declare.
        var fromConfig = LlmSizer.Formats.HuggingFace.HuggingFaceConfigReader.ReadFile(
            Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", "Qwen__Qwen3-Next-80B-A3B-Instruct.json")).Spec;
        Assert.Equal(ParameterCounter.Count(fromConfig).Components, ParameterCounter.Count(spec).Components);
    }

    [Fact]
    public void Qwen3_next_reads_its_recurrent_layers_from_the_per_layer_flags_when_the_file_has_them()
    {
        var writer = GgufModels.Writer(GgufModels.Qwen3Next80B with { Layers = 4, Experts = 4, ExpertsUsed = 2 })
            .Add("qwen3next.attention.recurrent_layers", GgufWriter.Value.Array(GgufValueType.Bool,
                [GgufWriter.Value.Bool(true), GgufWriter.Value.Bool(true), GgufWriter.Value.Bool(true), GgufWriter.Value.Bool(false)]));
        Assert.Equal("MMM*", Open(writer).Spec!.Recurrent!.LayerPattern);
    }

    [Fact]
    public void Granite_4_0_h_marks_its_mamba2_layers_by_a_zero_kv_head_count()
    {
        var spec = Open(GgufModels.Writer(GgufModels.GraniteHTiny)).Spec!;
        Assert.Equal("granitemoehybrid", spec.Architecture);
        Assert.Null(spec.KeyValueHeadsPerLayer);
        Assert.Equal(4, spec.EffectiveKeyValueHeads);
        Assert.Equal(new RecurrentSpec
        {
            Kind = RecurrentKind.Mamba2, LayerPattern = "MMMMM*MMMMMMMMM*MMMMMMMMM*MMMMMMMMM*MMMM", ConvKernel = 4,
            StateSize = 128, Groups = 1, Heads = 48, HeadDim = 64, ConvBias = true,
        }, spec.Recurrent);
        var fromConfig = LlmSizer.Formats.HuggingFace.HuggingFaceConfigReader.ReadFile(
            Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", "ibm-granite__granite-4.0-h-tiny.json")).Spec;
        Assert.Equal(ParameterCounter.Count(fromConfig).Components, ParameterCounter.Count(spec).Components);
    }

    [Fact]
    public void Lfm2_marks_its_short_convolution_layers_by_a_zero_kv_head_count_and_names_its_final_norm_token_embd_norm()
    {
        var spec = Open(GgufModels.Writer(GgufModels.Lfm2_12B)).Spec!;
        Assert.Equal("lfm2", spec.Architecture);
        Assert.Null(spec.KeyValueHeadsPerLayer);
        Assert.Equal(8, spec.EffectiveKeyValueHeads);
        Assert.True(spec.FinalNorm);
        Assert.Equal(new RecurrentSpec { Kind = RecurrentKind.ShortConv, LayerPattern = "MM*MM*MM*M*M*M*M", ConvKernel = 3 }, spec.Recurrent);
        var fromConfig = LlmSizer.Formats.HuggingFace.HuggingFaceConfigReader.ReadFile(
            Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", "LiquidAI__LFM2-1.2B.json")).Spec;
        Assert.Equal(ParameterCounter.Count(fromConfig).Components, ParameterCounter.Count(spec).Components);
    }
}
