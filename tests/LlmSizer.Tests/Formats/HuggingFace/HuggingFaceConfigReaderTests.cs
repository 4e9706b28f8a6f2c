using System.Text.Json.Nodes;
using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Formats.HuggingFace;

/// <summary>
/// Real config.json files (Fixtures/configs/ORG__NAME.json) read and counted. Every expected count names its source:
/// "safetensors total" is the parameter count Hugging Face shows for the checkpoint (the Hub API's safetensors.total),
/// "GGUF" is llama.cpp's general.parameter_count of the converted model; rounded figures are asserted to half their
/// last digit.
/// </summary>
public class HuggingFaceConfigReaderTests
{
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", name + ".json");

    private static HuggingFaceConfig Read(string name) => HuggingFaceConfigReader.ReadFile(FixturePath(name));

    private static ParameterCount Count(string name) => ParameterCounter.Count(Read(name).Spec);

    /// <summary>Asserts <paramref name="actual"/> rounds to a published figure such as "12.9B": within half its last digit.</summary>
    private static void AssertRoundsTo(string stated, long actual)
    {
        var official = OfficialCount.Parse(stated);
        Assert.True(official.Matches(actual), $"{actual:N0} does not round to {stated} (±{official.HalfUnit:N0})");
    }

    // ---------------------------------------------------------------- official counts, one fixture each

    [Fact]
    public void Gpt2_config_counts_124_439_808_parameters()
    {
        // openai-community/gpt2: safetensors total 124,439,808 (lm_head tied to wte, attention masks are buffers).
        Assert.Equal(124_439_808, Count("openai-community__gpt2").Total);
    }

    [Fact]
    public void Llama_2_7b_config_counts_6_738_415_616_parameters()
    {
        // meta-llama/Llama-2-7b-hf: safetensors total 6,738,415,616.
        Assert.Equal(6_738_415_616, Count("meta-llama__Llama-2-7b-hf").Total);
    }

    [Fact]
    public void Llama_3_1_8b_config_counts_8_030_261_248_parameters()
    {
        // meta-llama/Meta-Llama-3.1-8B: safetensors total 8,030,261,248.
        Assert.Equal(8_030_261_248, Count("meta-llama__Meta-Llama-3.1-8B").Total);
    }

    [Fact]
    public void Llama_3_2_1b_config_counts_1_235_814_400_parameters_with_a_tied_head()
    {
        // meta-llama/Llama-3.2-1B: safetensors total 1,235,814,400 (Hugging Face shows 1.24B).
        Assert.Equal(1_235_814_400, Count("meta-llama__Llama-3.2-1B").Total);
    }

    [Fact]
    public void Mistral_7b_v0_1_config_counts_7_241_732_096_parameters()
    {
        // mistralai/Mistral-7B-v0.1: safetensors total 7,241,732,096.
        Assert.Equal(7_241_732_096, Count("mistralai__Mistral-7B-v0.1").Total);
    }

    [Fact]
    public void Mixtral_8x7b_config_counts_46_702_792_704_total_and_12_879_925_248_active()
    {
        var count = Count("mistralai__Mixtral-8x7B-v0.1");
        // mistralai/Mixtral-8x7B-v0.1: safetensors total 46,702,792,704 (Mistral AI's announcement: 46.7B).
        Assert.Equal(46_702_792_704, count.Total);
        // Two of eight experts per token plus everything shared, embeddings included: Mistral AI's "12.9B active".
        Assert.Equal(12_879_925_248, count.Active);
        AssertRoundsTo("12.9B", count.Active);
    }

    [Fact]
    public void Qwen2_5_7b_config_counts_7_615_616_512_parameters()
    {
        // Qwen/Qwen2.5-7B: safetensors total 7,615,616,512 (model card: 7.61B).
        Assert.Equal(7_615_616_512, Count("Qwen__Qwen2.5-7B").Total);
    }

    [Fact]
    public void Qwen2_5_0_5b_config_counts_494_032_768_parameters_with_a_tied_head()
    {
        // Qwen/Qwen2.5-0.5B: safetensors total 494,032,768 (model card: 0.49B).
        Assert.Equal(494_032_768, Count("Qwen__Qwen2.5-0.5B").Total);
    }

    [Fact]
    public void Qwen1_5_moe_a2_7b_config_counts_14_315_784_192_total_and_2_7b_active()
    {
        var count = Count("Qwen__Qwen1.5-MoE-A2.7B");
        // Qwen/Qwen1.5-MoE-A2.7B: safetensors total 14,315,784,192 (model card: "14.3B parameters in total").
        Assert.Equal(14_315_784_192, count.Total);
        // Model card: "2.7B activated parameters" (4 of 60 experts, the gated shared expert, embeddings included).
        AssertRoundsTo("2.7B", count.Active);
    }

    [Fact]
    public void Qwen3_8b_config_counts_8_190_735_360_parameters()
    {
        var count = Count("Qwen__Qwen3-8B");
        // Qwen/Qwen3-8B: safetensors total 8,190,735,360 (model card: 8.2B).
        Assert.Equal(8_190_735_360, count.Total);
        // Model card: "Number of Parameters (Non-Embedding): 6.95B" (input and output embeddings both left out).
        AssertRoundsTo("6.95B", count.Total - count.Breakdown.Embedding - count.Breakdown.LmHead);
    }

    [Fact]
    public void Qwen3_30b_a3b_config_counts_30_532_122_624_total_and_3_3b_active()
    {
        var count = Count("Qwen__Qwen3-30B-A3B");
        // Qwen/Qwen3-30B-A3B: safetensors total 30,532,122,624 (model card: 30.5B; GGUF general.parameter_count agrees).
        Assert.Equal(30_532_122_624, count.Total);
        // Model card: "3.3B activated" (8 of 128 experts, embeddings included). The card truncates rather than rounds
        // here (3.353B; the same card's 30.5B total is 30.53B), so the check is that 3.3B is the truncated figure.
        Assert.Equal(3_353_032_704, count.Active);
        Assert.InRange(count.Active, 3_300_000_000, 3_399_999_999);
    }

    [Fact]
    public void Gemma_7b_config_counts_8_537_680_896_parameters()
    {
        // google/gemma-7b: safetensors total 8,537,680,896 (KerasHub's gemma_7b_en preset metadata gives the same).
        Assert.Equal(8_537_680_896, Count("google__gemma-7b").Total);
    }

    [Fact]
    public void Gemma_2_9b_config_counts_9_241_705_984_parameters()
    {
        // google/gemma-2-9b and -9b-it: safetensors total 9,241,705,984 (KerasHub's gemma2_9b_en preset metadata agrees).
        Assert.Equal(9_241_705_984, Count("google__gemma-2-9b-it").Total);
    }

    [Fact]
    public void Gemma_3_1b_config_counts_999_885_952_parameters()
    {
        var count = Count("google__gemma-3-1b-it");
        // google/gemma-3-1b-it (and -pt): safetensors total 999,885,952.
        Assert.Equal(999_885_952, count.Total);
        // Gemma 3 technical report, table 1: 1B has 302M embedding and 698M non-embedding parameters.
        AssertRoundsTo("302M", count.Breakdown.Embedding);
        AssertRoundsTo("698M", count.Total - count.Breakdown.Embedding);
    }

    [Fact]
    public void Gemma_3_4b_multimodal_config_counts_its_3_880_263_168_text_parameters()
    {
        var count = Count("google__gemma-3-4b-it");
        Assert.Equal(3_880_263_168, count.Total);
        // Gemma 3 technical report, table 1: the 4B language model has 3,209M non-embedding parameters.
        AssertRoundsTo("3,209M", count.Total - count.Breakdown.Embedding);

        // google/gemma-3-4b-it: safetensors total 4,300,079,472 = the text model above + the SigLIP vision tower + the
        // projector, whose sizes follow from vision_config (hidden 1152, MLP 4304, 27 layers, 896 px images in 14 px patches).
        const long h = 1152, ffn = 4304, layers = 27, patches = 896 / 14 * (896 / 14);
        long visionTower = (3 * 14 * 14 * h + h) + patches * h           // patch convolution + position table
            + layers * (2 * 2 * h + 4 * (h * h + h) + (h * ffn + ffn) + (ffn * h + h))
            + 2 * h;                                                       // post LayerNorm
        long projector = h * 2560 + h;                                     // mm_input_projection + mm_soft_emb_norm
        Assert.Equal(4_300_079_472, count.Total + visionTower + projector);
    }

    [Fact]
    public void Phi_3_mini_4k_config_counts_3_821_079_552_parameters()
    {
        // microsoft/Phi-3-mini-4k-instruct: safetensors total 3,821,079,552 (model card: 3.8B).
        Assert.Equal(3_821_079_552, Count("microsoft__Phi-3-mini-4k-instruct").Total);
    }

    [Fact]
    public void Phi_4_config_counts_14_659_507_200_parameters()
    {
        // microsoft/phi-4: safetensors total 14,659,507,200 (model card: 14B).
        Assert.Equal(14_659_507_200, Count("microsoft__phi-4").Total);
    }

    [Fact]
    public void Gpt_j_6b_config_counts_6_050_882_784_parameters()
    {
        // EleutherAI/gpt-j-6b: 6,050,882,784 parameters in the checkpoint (Hugging Face shows 6.05B): bias-free attention,
        // biased MLP, one LayerNorm per block and a biased, untied 50,400-row LM head.
        Assert.Equal(6_050_882_784, Count("EleutherAI__gpt-j-6b").Total);
    }

    [Fact]
    public void Gpt_neox_20b_config_counts_20_554_567_680_parameters()
    {
        // EleutherAI/gpt-neox-20b: 20,554,567,680 parameters in the checkpoint (Hugging Face shows 20.6B).
        Assert.Equal(20_554_567_680, Count("EleutherAI__gpt-neox-20b").Total);
    }

    [Fact]
    public void Pythia_70m_config_counts_70_426_624_parameters()
    {
        var count = Count("EleutherAI__pythia-70m");
        // EleutherAI/pythia README, model table: 70,426,624 total and 18,915,328 non-embedding parameters.
        Assert.Equal(70_426_624, count.Total);
        Assert.Equal(18_915_328, count.Total - count.Breakdown.Embedding - count.Breakdown.LmHead);
    }

    [Fact]
    public void Falcon_7b_config_counts_6_921_720_704_parameters_with_one_key_value_head()
    {
        var read = Read("tiiuae__falcon-7b");
        var count = ParameterCounter.Count(read.Spec);
        // tiiuae/falcon-7b: 6,921,720,704 distinct parameters (model.num_parameters()). Hugging Face's 7.22B is the
        // safetensors total, 7,217,189,760, which stores the tied lm_head a second time (65,024 × 4,544 more).
        Assert.Equal(6_921_720_704, count.Total);
        Assert.Equal(7_217_189_760, count.Total + read.Spec.VocabSize * read.Spec.HiddenSize);
        // multi_query wins over the config's num_kv_heads (71) when new_decoder_architecture is false.
        Assert.Equal(1, read.Spec.EffectiveKeyValueHeads);
        Assert.Equal(1, read.Spec.NormsPerLayer);
    }

    [Fact]
    public void Falcon_40b_config_counts_41_303_293_952_parameters_with_two_norms_per_layer()
    {
        var read = Read("tiiuae__falcon-40b");
        var count = ParameterCounter.Count(read.Spec);
        // tiiuae/falcon-40b: safetensors total 41,835,970,560, which stores the tied lm_head a second time
        // (65,024 × 8,192 = 532,676,608); the model has 41,303,293,952 distinct parameters.
        Assert.Equal(41_303_293_952, count.Total);
        Assert.Equal(41_835_970_560, count.Total + read.Spec.VocabSize * read.Spec.HiddenSize);
        Assert.Equal(8, read.Spec.EffectiveKeyValueHeads);
        Assert.Equal(2, read.Spec.NormsPerLayer); // ln_attn and ln_mlp
    }

    [Fact]
    public void Opt_125m_config_counts_125_239_296_parameters()
    {
        // facebook/opt-125m: safetensors total 125,239,296 (2,050-row learned position table: 2,048 + fairseq's offset 2).
        Assert.Equal(125_239_296, Count("facebook__opt-125m").Total);
    }

    [Fact]
    public void Opt_350m_config_counts_331_196_416_parameters_with_projections_and_no_final_norm()
    {
        var read = Read("facebook__opt-350m");
        // facebook/opt-350m: 331,196,416 (Hugging Face shows 331M): 512-wide embeddings projected in and out of the
        // 1024 hidden size, post-norm layers and no final LayerNorm.
        Assert.Equal(331_196_416, ParameterCounter.Count(read.Spec).Total);
        Assert.Equal(512, read.Spec.EmbeddingProjectionSize);
        Assert.False(read.Spec.FinalNorm);
    }

    [Fact]
    public void Bloom_560m_config_counts_559_214_592_parameters()
    {
        // bigscience/bloom-560m: safetensors total 559,214,592.
        Assert.Equal(559_214_592, Count("bigscience__bloom-560m").Total);
    }

    [Fact]
    public void Olmo_1b_hf_config_counts_1_176_764_416_parameters_with_parameter_free_norms()
    {
        var count = Count("allenai__OLMo-1B-hf");
        // allenai/OLMo-1B-hf: safetensors total 1,176,764,416 (Hugging Face shows 1.18B).
        Assert.Equal(1_176_764_416, count.Total);
        Assert.Equal(0, count.Breakdown.Norm);
    }

    [Fact]
    public void Olmo_2_1124_7b_config_counts_7_298_617_344_parameters()
    {
        // allenai/OLMo-2-1124-7B: safetensors total 7,298,617,344 (Hugging Face shows 7.3B).
        Assert.Equal(7_298_617_344, Count("allenai__OLMo-2-1124-7B").Total);
    }

    [Fact]
    public void DeepSeek_v2_lite_config_counts_15_706_484_224_parameters()
    {
        // deepseek-ai/DeepSeek-V2-Lite: safetensors total 15,706,484,224 (model card: 15.7B total).
        Assert.Equal(15_706_484_224, Count("deepseek-ai__DeepSeek-V2-Lite").Total);
    }

    [Fact]
    public void DeepSeek_v3_config_counts_671_026_419_200_main_parameters_and_reports_the_mtp_module_apart()
    {
        var count = Count("deepseek-ai__DeepSeek-V3");
        // deepseek-ai/DeepSeek-V3: layers 0-60 of the checkpoint hold 671,026,419,200 parameters (technical report: 671B);
        // layer 61, the multi-token-prediction module with its own embedding and head copies, adds 13,463,426,304
        // (report: "14B"), giving the 684,489,845,504 Hugging Face shows as 685B.
        Assert.Equal(671_026_419_200, count.Total);
        Assert.Equal(13_463_426_304, count.ReportedApartTotal);
        Assert.Equal(684_489_845_504, count.Total + count.ReportedApartTotal);
        // Report: 37B activated per token, the input embedding left out.
        AssertRoundsTo("37B", count.Active - count.Breakdown.Embedding);
    }

    [Fact]
    public void Qwen3_next_80b_a3b_config_counts_79_674_391_296_main_parameters_and_reports_the_mtp_layer_apart()
    {
        var count = Count("Qwen__Qwen3-Next-80B-A3B-Instruct");
        // Qwen/Qwen3-Next-80B-A3B-Instruct: model.safetensors.index.json total_size 162,649,725,440 bytes of BF16 =
        // 81,324,862,720 parameters (Hugging Face shows 81.3B). Of these the mtp.* tensors — one gated-attention MoE layer,
        // pre_fc_norm_embedding/hidden, fc (4096 → 2048) and norm, reusing the main embedding and head — hold 1,650,471,424;
        // the 48 layers, embedding, head and final norm the other 79,674,391,296 (model card: "80B in total").
        Assert.Equal(79_674_391_296, count.Total);
        Assert.Equal(1_650_471_424, count.ReportedApartTotal);
        Assert.Equal(81_324_862_720, count.Total + count.ReportedApartTotal);
        // Model card: "Number of Parameters (Non-Embedding): 79B" and "3B activated" (10 of 512 experts and the shared one
        // per token), both without the embedding and the LM head.
        long embeddingAndHead = count.Breakdown.Embedding + count.Breakdown.LmHead;
        AssertRoundsTo("79B", count.Total - embeddingAndHead);
        AssertRoundsTo("3B", count.Active - embeddingAndHead);
    }

    [Fact]
    public void Qwen3_next_reads_36_gated_deltanet_layers_and_12_gated_attention_layers()
    {
        var config = Read("Qwen__Qwen3-Next-80B-A3B-Instruct");
        var spec = config.Spec;
        var r = spec.Recurrent!;
        Assert.Equal(RecurrentKind.GatedDeltaNet, r.Kind);
        Assert.Equal(string.Concat(Enumerable.Repeat("MMM*", 12)), r.LayerPattern);
        Assert.Equal((4, 128, 16, 32, 128), (r.ConvKernel, r.StateSize, r.Groups, r.Heads, r.HeadDim));
        Assert.Equal(12, spec.AttentionLayerCount);
        Assert.True(spec.AttentionOutputGate);
        Assert.Equal(QkNormKind.PerHead, spec.QkNorm);
        Assert.Equal(new MoeSpec
        {
            RoutedExperts = 512, ExpertsPerToken = 10, ExpertFfnSize = 512, SharedExperts = 1, SharedExpertFfnSize = 512, SharedExpertGate = true,
        }, spec.Moe);
        Assert.Equal(0, spec.KeyValueHeadsAt(0));
        Assert.Equal(2, spec.KeyValueHeadsAt(3));
        // Per layer and sequence: a conv state of 3 × (2 × 16 × 128 + 32 × 128) values and a 128 × 4096 delta-rule state.
        Assert.Equal(24_576, r.ConvStateValues(spec.HiddenSize));
        Assert.Equal(524_288, r.SsmStateValues);
        Assert.Contains(config.Notes, n => n.Contains("multi-token-prediction layer"));
    }

    [Fact]
    public void A_qwen3_next_layer_types_list_sets_the_pattern_and_a_wrong_length_is_refused()
    {
        var spec = ReadEdited("Qwen__Qwen3-Next-80B-A3B-Instruct", c =>
            c["layer_types"] = new JsonArray(Enumerable.Range(0, 48).Select(i => (JsonNode)(i % 2 == 0 ? "full_attention" : "linear_attention")).ToArray())).Spec;
        Assert.Equal(24, spec.AttentionLayerCount);
        Assert.Equal('*', spec.Recurrent!.LayerPattern[0]);

        using var temp = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(FixturePath("Qwen__Qwen3-Next-80B-A3B-Instruct")))!.AsObject();
        json["layer_types"] = new JsonArray("full_attention", "linear_attention");
        var e = ReadBad(temp, json.ToJsonString());
        Assert.Contains("field 'layer_types': expected one entry per layer (48), found 2", e.Message);
    }

    [Fact]
    public void Granite_4_0_h_tiny_config_counts_6_939_037_248_parameters()
    {
        // ibm-granite/granite-4.0-h-tiny(-base): safetensors metadata total 6,939,037,248 (model card: "7B", 1B active). The fixture
        // holds the published config.json's fields LlmSizer reads, as transcribed in public sources; the rest take GraniteMoeHybridConfig's
        // defaults (mamba_conv_bias true, mamba_proj_bias false, no attention bias). 36 Mamba-2 layers of 14,642,576, 4 attention layers
        // of 6,291,456, 40 MoE blocks (64 experts of 512, a shared MLP of 1,024, router) and two norms each, the tied embedding.
        var count = Count("ibm-granite__granite-4.0-h-tiny");
        Assert.Equal(6_939_037_248, count.Total);
        AssertRoundsTo("7B", count.Total);
        AssertRoundsTo("1B", count.Active - count.Breakdown.Embedding);
    }

    [Fact]
    public void Granite_4_0_h_reads_its_layer_types_into_36_mamba2_layers_with_a_moe_block_each()
    {
        var spec = Read("ibm-granite__granite-4.0-h-tiny").Spec;
        var r = spec.Recurrent!;
        Assert.Equal(RecurrentKind.Mamba2, r.Kind);
        Assert.Equal("MMMMM*MMMMMMMMM*MMMMMMMMM*MMMMMMMMM*MMMM", r.LayerPattern);
        Assert.Equal((4, 128, 1, 48, 64, true, false), (r.ConvKernel, r.StateSize, r.Groups, r.Heads, r.HeadDim, r.ConvBias, r.ProjectionBias));
        Assert.Equal(new MoeSpec { RoutedExperts = 64, ExpertsPerToken = 6, ExpertFfnSize = 512, SharedExperts = 1, SharedExpertFfnSize = 1024 }, spec.Moe);
        Assert.True(spec.TiedEmbeddings);
        // Per Mamba-2 layer and sequence: conv 3 × (3,072 + 2 × 128) values and state 48 heads × 64 × 128.
        Assert.Equal(9_984, r.ConvStateValues(spec.HiddenSize));
        Assert.Equal(393_216, r.SsmStateValues);
        // Without experts (Granite-4.0-H-Micro) the shared MLP is each layer's dense MLP; with attention layers only
        // (Granite-4.0-Micro) there is nothing recurrent.
        var dense = ReadEdited("ibm-granite__granite-4.0-h-tiny", c => { c["num_local_experts"] = 0; c["shared_intermediate_size"] = 8192; }).Spec;
        Assert.Null(dense.Moe);
        Assert.Equal(8192, dense.FfnSize);
        var attentionOnly = ReadEdited("ibm-granite__granite-4.0-h-tiny", c =>
            c["layer_types"] = new JsonArray(Enumerable.Range(0, 40).Select(_ => (JsonNode)"attention").ToArray())).Spec;
        Assert.Null(attentionOnly.Recurrent);
    }

    [Fact]
    public void Lfm2_1_2b_config_counts_1_170_340_608_parameters()
    {
        // LiquidAI/LFM2-1.2B model card: 1,170,340,608 parameters. The fixture holds the published config.json's fields as a
        // public port transcribes them (block_ff_dim and full_attn_idxs, the original keys; no layer_types or intermediate_size).
        // 10 short-convolution layers of 16,783,360, 6 attention layers of 10,485,888 (q/k norms of 64), 16 MLPs of 3 × 2,048 ×
        // 8,192 (block_ff_dim 12,288 auto-adjusted) and two norms each, the tied 65,536 × 2,048 embedding and the final norm.
        var count = Count("LiquidAI__LFM2-1.2B");
        Assert.Equal(1_170_340_608, count.Total);
        var spec = Read("LiquidAI__LFM2-1.2B").Spec;
        Assert.Equal(8192, spec.FfnSize);
        Assert.Equal("MM*MM*MM*M*M*M*M", spec.Recurrent!.LayerPattern);
        Assert.Equal(RecurrentKind.ShortConv, spec.Recurrent.Kind);
        Assert.Equal(2 * 2048, spec.Recurrent.ConvStateValues(spec.HiddenSize));
        Assert.Equal(0, spec.Recurrent.SsmStateValues);
        Assert.True(spec.TiedEmbeddings);
        Assert.Equal(QkNormKind.PerHead, spec.QkNorm);
        // The catalog's entry describes the same model.
        Assert.Equal(ParameterCounter.Count(ModelCatalog.Find("lfm2-1.2b")!.Spec).Components, count.Components);
        // layer_types (newer configs) wins over full_attn_idxs; without block_ffn_dim_multiplier the width is not rounded.
        var edited = ReadEdited("LiquidAI__LFM2-1.2B", c =>
        {
            c["layer_types"] = new JsonArray(Enumerable.Range(0, 16).Select(i => (JsonNode)(i == 0 ? "full_attention" : "conv")).ToArray());
            c["block_ffn_dim_multiplier"] = null;
            c["block_ff_dim"] = 1000;
        }).Spec;
        Assert.Equal("*MMMMMMMMMMMMMMM", edited.Recurrent!.LayerPattern);
        Assert.Equal(666, edited.FfnSize);
    }

    [Fact]
    public void Gpt_oss_20b_config_counts_20_91b_total_and_3_61b_active_parameters()
    {
        var count = Count("openai__gpt-oss-20b");
        // openai gpt-oss model card, table 1: 20.91B total, 3.61B active (active leaves out the input embedding only).
        AssertRoundsTo("20.91B", count.Total);
        AssertRoundsTo("3.61B", count.Active - count.Breakdown.Embedding);
        // The exact count, as llama.cpp's GGUF conversion records it (general.parameter_count, e.g. `ollama show gpt-oss:20b`).
        // Hugging Face's own figure for this repo (21.5B) counts MXFP4-packed expert bytes, not parameters.
        Assert.Equal(20_914_757_184, count.Total);
    }

    // ---------------------------------------------------------------- defaults and family quirks

    /// <summary>Writes fixture <paramref name="fixture"/>, changed by <paramref name="edit"/>, to a temp config.json and reads it.</summary>
    private static HuggingFaceConfig ReadEdited(string fixture, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(FixturePath(fixture)))!.AsObject();
        edit(json);
        using var temp = new TempFolder();
        return HuggingFaceConfigReader.ReadFile(temp.Write("config.json", json.ToJsonString()));
    }

    [Fact]
    public void A_config_without_num_key_value_heads_is_multi_head_attention()
    {
        var spec = ReadEdited("meta-llama__Llama-2-7b-hf", c => c.Remove("num_key_value_heads")).Spec;
        Assert.Equal(spec.AttentionHeads, spec.EffectiveKeyValueHeads);
        Assert.Equal(32, spec.EffectiveKeyValueHeads);
        Assert.Equal(6_738_415_616, ParameterCounter.Count(spec).Total);
    }

    [Fact]
    public void Head_dim_overrides_hidden_size_over_heads()
    {
        // gemma-7b: 16 heads × head_dim 256 = 4096-wide q over a 3072 hidden size (3072 / 16 would be 192).
        var gemma = Read("google__gemma-7b").Spec;
        Assert.Equal(256, gemma.EffectiveHeadDim);
        Assert.Equal(28L * (2 * 3072 * 4096 + 2 * 3072 * 4096), ParameterCounter.Count(gemma).Breakdown.Attention);

        // A Llama config with an explicit head_dim different from hidden / heads widens q, k, v and o accordingly.
        var wide = ReadEdited("meta-llama__Llama-2-7b-hf", c => c["head_dim"] = 256).Spec;
        Assert.Equal(256, wide.EffectiveHeadDim);
        Assert.Equal(32L * 4 * 4096 * (32 * 256), ParameterCounter.Count(wide).Breakdown.Attention);

        // Qwen3 and Llama 3.2 state head_dim; where it agrees with hidden / heads nothing changes.
        Assert.Equal(128, Read("Qwen__Qwen3-8B").Spec.EffectiveHeadDim);
        Assert.Equal(64, Read("meta-llama__Llama-3.2-1B").Spec.EffectiveHeadDim);
    }

    [Fact]
    public void Gemma_and_gpt_oss_head_dims_default_to_their_config_class_values()
    {
        // GemmaConfig defaults head_dim to 256 and GptOssConfig to 64, not to hidden / heads.
        Assert.Equal(256, ReadEdited("google__gemma-7b", c => c.Remove("head_dim")).Spec.EffectiveHeadDim);
        Assert.Equal(64, ReadEdited("openai__gpt-oss-20b", c => c.Remove("head_dim")).Spec.EffectiveHeadDim);
    }

    [Fact]
    public void Tied_embeddings_default_per_family_when_the_config_is_silent()
    {
        // gemma-7b's config has no tie_word_embeddings: GemmaConfig ties by default.
        Assert.True(Read("google__gemma-7b").Spec.TiedEmbeddings);
        // gpt2's config has none either: GPT2Config ties by default.
        Assert.True(Read("openai-community__gpt2").Spec.TiedEmbeddings);
        // LlamaConfig and GPTJConfig do not tie by default.
        Assert.False(ReadEdited("meta-llama__Llama-2-7b-hf", c => c.Remove("tie_word_embeddings")).Spec.TiedEmbeddings);
        Assert.False(ReadEdited("EleutherAI__gpt-j-6b", c => c.Remove("tie_word_embeddings")).Spec.TiedEmbeddings);
        // Falcon, OPT and BLOOM tie by default.
        Assert.True(Read("tiiuae__falcon-7b").Spec.TiedEmbeddings);
        Assert.True(Read("facebook__opt-125m").Spec.TiedEmbeddings);
        Assert.True(Read("bigscience__bloom-560m").Spec.TiedEmbeddings);
        // An explicit value wins: Llama 3.2 1B ties, a gpt2 told not to has a separate head.
        Assert.True(Read("meta-llama__Llama-3.2-1B").Spec.TiedEmbeddings);
        var untied = ReadEdited("openai-community__gpt2", c => c["tie_word_embeddings"] = false).Spec;
        Assert.Equal(124_439_808 + 50_257L * 768, ParameterCounter.Count(untied).Total);
    }

    [Fact]
    public void Gemma_2_alternates_sliding_and_global_layers_starting_with_sliding()
    {
        var spec = Read("google__gemma-2-9b-it").Spec;
        Assert.Equal(4096, spec.SlidingWindow!.WindowTokens);
        Assert.True(spec.IsSlidingLayer(0));
        Assert.False(spec.IsSlidingLayer(1));
        Assert.True(spec.IsSlidingLayer(40));
        Assert.False(spec.IsSlidingLayer(41));
        Assert.Equal(21, Enumerable.Range(0, spec.Layers).Count(spec.IsSlidingLayer));
    }

    [Fact]
    public void Gemma_3_has_five_sliding_layers_for_each_global_one()
    {
        var spec = Read("google__gemma-3-1b-it").Spec;
        Assert.Equal(512, spec.SlidingWindow!.WindowTokens);
        Assert.All(new[] { 0, 1, 2, 3, 4, 6, 24, 25 }, l => Assert.True(spec.IsSlidingLayer(l)));
        Assert.All(new[] { 5, 11, 17, 23 }, l => Assert.False(spec.IsSlidingLayer(l)));
        Assert.Equal(22, Enumerable.Range(0, spec.Layers).Count(spec.IsSlidingLayer));

        // gemma-3-4b-it's text_config states only the window (1024); the pattern is Gemma3TextConfig's default of 6.
        var multimodal = Read("google__gemma-3-4b-it").Spec;
        Assert.Equal(1024, multimodal.SlidingWindow!.WindowTokens);
        Assert.Equal(29, Enumerable.Range(0, multimodal.Layers).Count(multimodal.IsSlidingLayer));
    }

    [Fact]
    public void Gemma_3_layer_types_when_present_decide_the_sliding_layout()
    {
        var types = new JsonArray(Enumerable.Range(0, 26).Select(i => (JsonNode)((i + 1) % 3 == 0 ? "full_attention" : "sliding_attention")).ToArray());
        var spec = ReadEdited("google__gemma-3-1b-it", c => c["layer_types"] = types).Spec;
        Assert.Equal(3, spec.SlidingWindow!.GlobalLayerPeriod);
        Assert.False(spec.IsSlidingLayer(2));
        Assert.True(spec.IsSlidingLayer(3));
    }

    [Fact]
    public void Gemma_3_multimodal_text_config_takes_gemma3_text_defaults_and_notes_the_uncounted_vision_tower()
    {
        var read = Read("google__gemma-3-4b-it");
        // text_config omits these; Gemma3TextConfig's defaults fill them in.
        Assert.Equal(262_208, read.Spec.VocabSize);
        Assert.Equal(8, read.Spec.AttentionHeads);
        Assert.Equal(4, read.Spec.EffectiveKeyValueHeads);
        Assert.Equal(256, read.Spec.EffectiveHeadDim);
        Assert.True(read.Spec.TiedEmbeddings);
        Assert.Equal("gemma3_text", read.Spec.Architecture);
        Assert.Contains(read.Notes, n => n.Contains("vision tower", StringComparison.Ordinal) && n.Contains("not", StringComparison.Ordinal));
        Assert.Equal("bfloat16", read.CheckpointDtype);
    }

    [Fact]
    public void DeepSeek_first_k_dense_replace_layers_keep_a_dense_mlp()
    {
        var v3 = Read("deepseek-ai__DeepSeek-V3").Spec;
        Assert.All(new[] { 0, 1, 2 }, l => Assert.False(v3.IsMoeLayer(l)));
        Assert.All(new[] { 3, 4, 30, 60 }, l => Assert.True(v3.IsMoeLayer(l)));
        Assert.Equal(58, Enumerable.Range(0, v3.Layers).Count(v3.IsMoeLayer));
        Assert.Equal(1, v3.MultiTokenPredictionLayers);

        var lite = Read("deepseek-ai__DeepSeek-V2-Lite").Spec;
        Assert.False(lite.IsMoeLayer(0));
        Assert.True(lite.IsMoeLayer(1));
        Assert.Null(lite.Mla!.QLoraRank); // V2-Lite projects queries directly
        Assert.False(lite.Moe!.RouterScoreCorrectionBias); // greedy top-k: no e_score_correction_bias
        Assert.True(v3.Moe!.RouterScoreCorrectionBias); // noaux_tc
    }

    [Fact]
    public void DeepSeek_moe_layer_freq_makes_the_skipped_layers_dense()
    {
        var spec = ReadEdited("deepseek-ai__DeepSeek-V2-Lite", c => c["moe_layer_freq"] = 2).Spec;
        // MoE where i >= first_k_dense_replace (1) and i % moe_layer_freq == 0.
        Assert.False(spec.IsMoeLayer(0));
        Assert.False(spec.IsMoeLayer(1));
        Assert.True(spec.IsMoeLayer(2));
        Assert.False(spec.IsMoeLayer(3));
        Assert.True(spec.IsMoeLayer(26));
    }

    [Fact]
    public void Sliding_windows_follow_each_familys_rules()
    {
        // Mistral 7B v0.1 slides on every layer.
        var mistral = Read("mistralai__Mistral-7B-v0.1").Spec;
        Assert.Equal(4096, mistral.SlidingWindow!.WindowTokens);
        Assert.True(Enumerable.Range(0, mistral.Layers).All(mistral.IsSlidingLayer));
        // Mixtral's sliding_window is null.
        Assert.Null(Read("mistralai__Mixtral-8x7B-v0.1").Spec.SlidingWindow);
        // Phi-3-mini-4k passes sliding_window 2047 to every layer's attention; phi-4 sets none.
        var phi3 = Read("microsoft__Phi-3-mini-4k-instruct").Spec;
        Assert.Equal(2047, phi3.SlidingWindow!.WindowTokens);
        Assert.True(Enumerable.Range(0, phi3.Layers).All(phi3.IsSlidingLayer));
        Assert.Null(Read("microsoft__phi-4").Spec.SlidingWindow);
        // Qwen2.5 states a window but use_sliding_window is false.
        Assert.Null(Read("Qwen__Qwen2.5-7B").Spec.SlidingWindow);
        // gpt-oss alternates a 128-token window with full attention, sliding first (layer_types).
        var oss = Read("openai__gpt-oss-20b").Spec;
        Assert.Equal(128, oss.SlidingWindow!.WindowTokens);
        Assert.True(oss.IsSlidingLayer(0));
        Assert.False(oss.IsSlidingLayer(1));
    }

    [Fact]
    public void Qwen_sliding_window_applies_only_when_switched_on_and_notes_the_first_windowed_layer()
    {
        var all = ReadEdited("Qwen__Qwen2.5-0.5B", c => { c["use_sliding_window"] = true; c["max_window_layers"] = 0; });
        Assert.Equal(32768, all.Spec.SlidingWindow!.WindowTokens);
        Assert.Empty(all.Notes);

        var fromLayer = ReadEdited("Qwen__Qwen2.5-0.5B", c => { c["use_sliding_window"] = true; c["max_window_layers"] = 21; });
        Assert.NotNull(fromLayer.Spec.SlidingWindow);
        Assert.Contains(fromLayer.Notes, n => n.Contains("layer 21", StringComparison.Ordinal));

        // max_window_layers 24 of 24 layers: no layer slides.
        Assert.Null(ReadEdited("Qwen__Qwen2.5-0.5B", c => c["use_sliding_window"] = true).Spec.SlidingWindow);
    }

    [Fact]
    public void Biases_follow_the_modelling_code_of_each_family()
    {
        // Qwen2: q, k, v biased, o not.
        var qwen = Read("Qwen__Qwen2.5-7B").Spec.Biases;
        Assert.True(qwen.Qkv);
        Assert.False(qwen.AttentionOutput);
        // Qwen2-MoE: the same through qkv_bias (default true); false removes 24 layers × 3 × 2048.
        var moe = Count("Qwen__Qwen1.5-MoE-A2.7B").Total;
        var noBias = ParameterCounter.Count(ReadEdited("Qwen__Qwen1.5-MoE-A2.7B", c => c["qkv_bias"] = false).Spec).Total;
        Assert.Equal(24L * 3 * 2048, moe - noBias);
        // Qwen3 and Qwen3-MoE: none unless attention_bias, then all four.
        Assert.Equal(BiasSpec.None, Read("Qwen__Qwen3-8B").Spec.Biases);
        var biased = ReadEdited("Qwen__Qwen3-8B", c => c["attention_bias"] = true).Spec.Biases;
        Assert.True(biased.Qkv && biased.AttentionOutput);
        // Phi-3 hard-codes bias=False whatever attention_bias says.
        Assert.Equal(BiasSpec.None, ReadEdited("microsoft__phi-4", c => c["attention_bias"] = true).Spec.Biases);
        // gpt-oss: attention follows attention_bias, the experts always carry biases.
        var oss = Read("openai__gpt-oss-20b").Spec;
        Assert.True(oss.Biases.Qkv && oss.Biases.AttentionOutput && oss.Biases.Mlp && oss.AttentionSinks && oss.Moe!.RouterBias);
        Assert.False(ReadEdited("openai__gpt-oss-20b", c => c["attention_bias"] = false).Spec.Biases.Qkv);
        // GPT-J: MLP and LM head biased, attention not.
        var gptj = Read("EleutherAI__gpt-j-6b").Spec.Biases;
        Assert.True(gptj.Mlp && gptj.LmHead);
        Assert.False(gptj.Qkv || gptj.AttentionOutput);
    }

    [Fact]
    public void Bloom_reads_both_the_hub_spelling_and_the_config_class_spelling_of_its_sizes()
    {
        // bloom-560m's config.json says n_embed and num_attention_heads; BloomConfig.to_dict() writes hidden_size and n_head.
        var renamed = ReadEdited("bigscience__bloom-560m", c =>
        {
            c["hidden_size"] = c["n_embed"]!.DeepClone();
            c["n_head"] = c["num_attention_heads"]!.DeepClone();
            c.Remove("n_embed");
            c.Remove("num_attention_heads");
        });
        Assert.Equal(559_214_592, ParameterCounter.Count(renamed.Spec).Total);
        Assert.Equal(16, renamed.Spec.AttentionHeads);
    }

    [Fact]
    public void Opt_remove_final_layer_norm_drops_the_final_norm()
    {
        var spec = ReadEdited("facebook__opt-125m", c => c["_remove_final_layer_norm"] = true).Spec;
        Assert.False(spec.FinalNorm);
        Assert.Equal(125_239_296 - 2 * 768, ParameterCounter.Count(spec).Total);
    }

    [Fact]
    public void Falcon_sequential_blocks_have_two_norms()
    {
        var spec = ReadEdited("tiiuae__falcon-7b", c => c["parallel_attn"] = false).Spec;
        Assert.Equal(2, spec.NormsPerLayer);
        Assert.False(spec.ParallelBlocks);
    }

    [Fact]
    public void Reading_a_folder_reads_its_config_json()
    {
        using var temp = new TempFolder();
        temp.Write("config.json", File.ReadAllText(FixturePath("openai-community__gpt2")));
        Assert.Equal(124_439_808, ParameterCounter.Count(HuggingFaceConfigReader.ReadFile(temp.Path).Spec).Total);
    }

    [Fact]
    public void Every_supported_model_type_has_a_fixture()
    {
        var configs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs"), "*.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        var covered = configs.Select(c => c["model_type"]!.GetValue<string>())
            .Concat(configs.Select(c => c["text_config"]?["model_type"]?.GetValue<string>()).OfType<string>())
            .ToHashSet();
        // gemma3_text appears as the text_config of the gemma3 fixture and as gemma-3-1b's own model_type; llama4_text as the
        // text_config of the Llama 4 fixtures, which is what multimodal checkpoints publish.
        Assert.Empty(HuggingFaceConfigReader.SupportedModelTypes.Except(covered));
    }

    // ---------------------------------------------------------------- bad input: SOURCE: LOCATION: PROBLEM

    private static InputException ReadBad(TempFolder temp, string json)
    {
        string path = temp.Write("config.json", json);
        return Assert.Throws<InputException>(() => HuggingFaceConfigReader.ReadFile(path));
    }

    private const string SmallLlama = """
        {"model_type": "llama", "vocab_size": 32000, "hidden_size": 4096, "num_hidden_layers": 32,
         "num_attention_heads": 32, "intermediate_size": 11008}
        """;

    private static string SmallLlamaWith(string field, string rawValue)
    {
        var json = JsonNode.Parse(SmallLlama)!.AsObject();
        json[field] = JsonNode.Parse(rawValue);
        return json.ToJsonString();
    }

    [Fact]
    public void Malformed_json_names_the_line_and_byte()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,,\n}");
        Assert.Equal($"{temp.File("config.json")}: line 3, byte 23: expected valid JSON, found a syntax error", e.Message);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        using var temp = new TempFolder();
        var json = JsonNode.Parse(SmallLlama)!.AsObject();
        json.Remove("hidden_size");
        var e = ReadBad(temp, json.ToJsonString());
        Assert.Equal($"{temp.File("config.json")}: field 'hidden_size': required field is missing", e.Message);
    }

    [Fact]
    public void A_missing_nested_field_is_named_with_its_path()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, """{"model_type": "gemma3", "text_config": {"hidden_size": "big"}}""");
        Assert.Equal($"{temp.File("config.json")}: field 'text_config.hidden_size': expected an integer, found \"big\"", e.Message);
        var missing = ReadBad(temp, """{"model_type": "gemma3"}""");
        Assert.Equal($"{temp.File("config.json")}: field 'text_config': required object is missing", missing.Message);
    }

    [Theory]
    [InlineData("num_hidden_layers", "0", "expected a positive integer, found 0")]
    [InlineData("hidden_size", "-4096", "expected a positive integer, found -4096")]
    [InlineData("vocab_size", "0", "expected a positive integer, found 0")]
    [InlineData("intermediate_size", "-1", "expected a positive integer, found -1")]
    [InlineData("num_attention_heads", "0", "expected a positive integer, found 0")]
    public void Zero_and_negative_sizes_are_rejected(string field, string value, string problem)
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith(field, value));
        Assert.Equal($"{temp.File("config.json")}: field '{field}': {problem}", e.Message);
    }

    [Fact]
    public void Heads_that_do_not_divide_the_hidden_size_need_a_head_dim()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith("num_attention_heads", "30"));
        Assert.Equal($"{temp.File("config.json")}: field 'num_attention_heads': "
            + "expected a divisor of hidden_size (4096) since no head_dim is given, found 30", e.Message);

        // With a head_dim the same heads are fine.
        var json = JsonNode.Parse(SmallLlamaWith("num_attention_heads", "30"))!.AsObject();
        json["head_dim"] = 128;
        var spec = HuggingFaceConfigReader.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), "inline").Spec;
        Assert.Equal(128, spec.EffectiveHeadDim);
    }

    [Fact]
    public void Key_value_heads_must_divide_the_attention_heads()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith("num_key_value_heads", "5"));
        Assert.Equal($"{temp.File("config.json")}: field 'num_key_value_heads': expected a divisor of num_attention_heads (32), found 5", e.Message);
    }

    [Theory]
    [InlineData("1e15")]
    [InlineData("1000000000000000")]
    public void Absurd_layer_counts_are_rejected_not_overflowed(string value)
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith("num_hidden_layers", value));
        Assert.Equal($"{temp.File("config.json")}: field 'num_hidden_layers': expected an integer from 1 to 2147483647, found 1000000000000000", e.Message);
    }

    [Fact]
    public void Sizes_beyond_the_validators_caps_are_rejected()
    {
        using var temp = new TempFolder();
        var layers = ReadBad(temp, SmallLlamaWith("num_hidden_layers", "100000"));
        Assert.Equal($"{temp.File("config.json")}: field 'num_hidden_layers': expected an integer from 1 to 10000, found 100000", layers.Message);
        var vocab = ReadBad(temp, SmallLlamaWith("vocab_size", "1e15"));
        Assert.Equal($"{temp.File("config.json")}: field 'vocab_size': expected an integer from 1 to 100000000, found 1000000000000000", vocab.Message);
    }

    [Fact]
    public void Individually_valid_sizes_whose_count_overflows_are_rejected()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, """
            {"model_type": "mixtral", "vocab_size": 32000, "hidden_size": 1048576, "num_hidden_layers": 10000,
             "num_attention_heads": 65536, "intermediate_size": 67108864, "num_local_experts": 65536, "num_experts_per_tok": 2}
            """);
        Assert.Equal($"{temp.File("config.json")}: sizes: expected sizes whose parameter count fits in 64 bits, found an overflow", e.Message);
    }

    [Fact]
    public void An_unknown_model_type_lists_the_supported_ones()
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith("model_type", "\"mamba\""));
        Assert.Equal($"{temp.File("config.json")}: field 'model_type': expected one of "
            + string.Join(", ", HuggingFaceConfigReader.SupportedModelTypes) + ", found \"mamba\"", e.Message);
        Assert.Contains("llama, mistral, mixtral", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_type_lists_the_supported_ones()
    {
        using var temp = new TempFolder();
        var json = JsonNode.Parse(SmallLlama)!.AsObject();
        json.Remove("model_type");
        var e = ReadBad(temp, json.ToJsonString());
        Assert.Equal($"{temp.File("config.json")}: field 'model_type': required field is missing; supported: "
            + string.Join(", ", HuggingFaceConfigReader.SupportedModelTypes), e.Message);
    }

    [Theory]
    [InlineData("hidden_size", "\"big\"", "expected an integer, found \"big\"")]
    [InlineData("hidden_size", "40.5", "expected an integer, found 40.5")]
    [InlineData("num_hidden_layers", "[32]", "expected an integer, found an array")]
    [InlineData("tie_word_embeddings", "\"yes\"", "expected true or false, found \"yes\"")]
    [InlineData("model_type", "7", "expected a string, found 7")]
    public void Values_of_the_wrong_type_are_named(string field, string value, string problem)
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, SmallLlamaWith(field, value));
        Assert.Equal($"{temp.File("config.json")}: field '{field}': {problem}", e.Message);
    }

    [Theory]
    [InlineData("[1, 2]", "an array")]
    [InlineData("\"config\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("null", "null")]
    public void A_root_that_is_not_an_object_is_rejected(string json, string found)
    {
        using var temp = new TempFolder();
        var e = ReadBad(temp, json);
        Assert.Equal($"{temp.File("config.json")}: root: expected a JSON object, found {found}", e.Message);
    }

    [Fact]
    public void A_file_that_does_not_exist_is_reported()
    {
        using var temp = new TempFolder();
        string path = temp.File("missing.json");
        var e = Assert.Throws<InputException>(() => HuggingFaceConfigReader.ReadFile(path));
        Assert.Equal($"{path}: file: expected a config.json file, found nothing at this path", e.Message);
    }

    [Fact]
    public void A_folder_without_config_json_is_reported()
    {
        using var temp = new TempFolder();
        temp.Write("model.safetensors.index.json", "{}");
        var e = Assert.Throws<InputException>(() => HuggingFaceConfigReader.ReadFile(temp.Path));
        Assert.Equal($"{temp.Path}: folder: expected a folder holding config.json, found none in it", e.Message);
    }

    [Fact]
    public void A_file_far_larger_than_any_config_is_refused_before_parsing()
    {
        using var temp = new TempFolder();
        string path = temp.File("config.json");
        using (var stream = File.Create(path))
            stream.SetLength(HuggingFaceConfigReader.MaxConfigBytes + 1);
        var e = Assert.Throws<InputException>(() => HuggingFaceConfigReader.ReadFile(path));
        Assert.Equal($"{path}: file: expected a config.json of at most {HuggingFaceConfigReader.MaxConfigBytes} bytes, "
            + $"found {HuggingFaceConfigReader.MaxConfigBytes + 1} bytes", e.Message);
    }

    // Found by the fuzzer (fuzz/regressions/config): JsonDocument parses such strings and GetString threw later,
    // an InvalidOperationException wherever the reader looked at them ("internal error" in the CLI).
    [Theory]
    [InlineData("invalid UTF-8", new byte[] { 0xC3, 0x28 }, "architectures[0]")]
    [InlineData("a lone surrogate escape", new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' }, "architectures[0]")]
    public void A_string_that_does_not_decode_is_refused_naming_its_field(string what, byte[] bad, string field)
    {
        byte[] json = [.. "{\"architectures\": [\"Llama"u8, .. bad, .. "\"], \"model_type\": \"llama\"}"u8];
        var e = Assert.Throws<InputException>(() => HuggingFaceConfigReader.Parse(json, "config.json"));
        Assert.Equal($"config.json: field '{field}': expected UTF-8 text, found invalid bytes or a lone surrogate escape in a string", e.Message);
        Assert.NotEmpty(what);
    }

    /// <summary>A private temp folder, deleted on dispose.</summary>
    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("llmsizer-config-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public string Write(string name, string text)
        {
            string path = File(name);
            System.IO.File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
