using System.Text;
using LlmSizer.Formats.Gguf;

namespace LlmSizer.Tests.Support;

/// <summary>
/// The shape of a real model as llama.cpp's converter would write it: the metadata keys and the tensor names and
/// shapes of llama.cpp's tensor tables (gguf-py constants, src/llama-model.cpp). Sizes are copied from each model's
/// published config.json. <see cref="GgufModels.Writer"/> turns one into a <see cref="GgufWriter"/>.
/// </summary>
internal sealed record GgufShape
{
    public required string Arch { get; init; }
    public required string Name { get; init; }
    public required long Vocab { get; init; }
    public required int Hidden { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public int KvHeads { get; init; }
    public int? HeadDim { get; init; }
    public long Ffn { get; init; }
    public int Context { get; init; } = 4096;
    public bool Tied { get; init; }
    public bool QkvBias { get; init; }
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    public bool QkNorm { get; init; }
    public bool LayerNorm { get; init; }
    /// <summary>Whether each LayerNorm also stores a bias (Cohere2's graph runs LayerNorm with a weight only).</summary>
    public bool LayerNormBias { get; init; } = true;
    public bool Gated { get; init; } = true;
    /// <summary>One attn_qkv tensor instead of q, k, v (Phi-3, Falcon, GPT-2).</summary>
    public bool FusedQkv { get; init; }
    /// <summary>Phi-3: gate and up stored as one ffn_up of 2 × ffn rows.</summary>
    public bool FusedGateUp { get; init; }
    public string[] BlockNorms { get; init; } = ["attn_norm", "ffn_norm"];
    public int LearnedPositions { get; init; }
    public int? SlidingWindow { get; init; }
    public bool RopeFreqs { get; init; }
    /// <summary>logit_scale, the factor the logits are multiplied by (Cohere's; llama.cpp's cohere2 loader requires the key).</summary>
    public float? LogitScale { get; init; }
    public bool RopeFactors { get; init; }
    public bool Sinks { get; init; }
    // Mixture of experts
    public int Experts { get; init; }
    public int ExpertsUsed { get; init; }
    public long ExpertFfn { get; init; }
    public int SharedExperts { get; init; }
    /// <summary>Qwen2-MoE: one gated shared expert of this size (expert_shared_feed_forward_length).</summary>
    public long SharedExpertFfn { get; init; }
    public int LeadingDense { get; init; }
    /// <summary>Llama 4's interleave_moe_layer_step: layer i has experts when (i + 1) is a multiple of it, else a dense MLP of <see cref="Ffn"/>.</summary>
    public int MoeLayerStep { get; init; } = 1;
    public bool RouterBias { get; init; }
    public bool ScoreCorrectionBias { get; init; }
    public string ExpertType { get; init; } = "";
    // Multi-head latent attention (deepseek2)
    public int QLoraRank { get; init; }
    public int KvLoraRank { get; init; }
    public int NopeDim { get; init; }
    public int RopeDim { get; init; }
    public int VDim { get; init; }
    /// <summary>Files converted after llama.cpp's MLA rework: kv_b split into k_b and v_b, and the *_mla length keys.</summary>
    public bool MlaV2Layout { get; init; }
    // Hybrid recurrent layers (llama.cpp's ssm.* keys): Gated DeltaNet for qwen3next, qwen35, qwen35moe.
    /// <summary>ssm.conv_kernel (lfm2: shortconv.l_cache); 0 for a model without recurrent layers.</summary>
    public int SsmConv { get; init; }
    /// <summary>ssm.state_size: Gated DeltaNet's key head size.</summary>
    public int SsmState { get; init; }
    /// <summary>ssm.group_count: Gated DeltaNet's key heads.</summary>
    public int SsmGroups { get; init; }
    /// <summary>ssm.time_step_rank: Gated DeltaNet's value heads.</summary>
    public int SsmHeads { get; init; }
    /// <summary>ssm.inner_size: value heads × value head size.</summary>
    public int SsmInner { get; init; }
    /// <summary>full_attention_interval: every this-many-th layer attends (gated attention), the others are recurrent.</summary>
    public int FullAttentionInterval { get; init; } = 4;
    /// <summary>The attention layers when they do not follow <see cref="FullAttentionInterval"/> (Granite-4.0-H's layer_types).</summary>
    public int[]? AttentionLayers { get; init; }

    public bool IsRecurrentLayer(int layer) =>
        SsmConv > 0 && (AttentionLayers is { } attention ? Array.IndexOf(attention, layer) < 0 : (layer + 1) % FullAttentionInterval != 0);
}

/// <summary>Real models' shapes, and the writer that lays them out as GGUF.</summary>
internal static class GgufModels
{
    public static GgufShape Llama31_8B => new()
    {
        Arch = "llama", Name = "Llama-3.1-8B", Vocab = 128_256, Hidden = 4096, Layers = 32, Heads = 32, KvHeads = 8,
        Ffn = 14_336, Context = 131_072, RopeFreqs = true,
    };

    public static GgufShape Mistral7B => new()
    {
        Arch = "llama", Name = "Mistral-7B-v0.1", Vocab = 32_000, Hidden = 4096, Layers = 32, Heads = 32, KvHeads = 8,
        Ffn = 14_336, Context = 32_768, SlidingWindow = 4096,
    };

    public static GgufShape Mixtral8x7B => new()
    {
        Arch = "llama", Name = "Mixtral-8x7B-v0.1", Vocab = 32_000, Hidden = 4096, Layers = 32, Heads = 32, KvHeads = 8,
        Ffn = 14_336, Context = 32_768, Experts = 8, ExpertsUsed = 2, ExpertFfn = 14_336,
    };

    public static GgufShape Qwen25_05B => new()
    {
        Arch = "qwen2", Name = "Qwen2.5-0.5B", Vocab = 151_936, Hidden = 896, Layers = 24, Heads = 14, KvHeads = 2,
        Ffn = 4864, Context = 32_768, Tied = true, QkvBias = true,
    };

    public static GgufShape Qwen15MoeA27B => new()
    {
        Arch = "qwen2moe", Name = "Qwen1.5-MoE-A2.7B", Vocab = 151_936, Hidden = 2048, Layers = 24, Heads = 16, KvHeads = 16,
        Ffn = 5632, Context = 8192, QkvBias = true, Experts = 60, ExpertsUsed = 4, ExpertFfn = 1408, SharedExpertFfn = 5632,
    };

    public static GgufShape Qwen3_06B => new()
    {
        Arch = "qwen3", Name = "Qwen3-0.6B", Vocab = 151_936, Hidden = 1024, Layers = 28, Heads = 16, KvHeads = 8,
        HeadDim = 128, Ffn = 3072, Context = 40_960, Tied = true, QkNorm = true,
    };

    public static GgufShape Qwen3_30B_A3B => new()
    {
        Arch = "qwen3moe", Name = "Qwen3-30B-A3B", Vocab = 151_936, Hidden = 2048, Layers = 48, Heads = 32, KvHeads = 4,
        HeadDim = 128, Ffn = 6144, Context = 40_960, QkNorm = true, Experts = 128, ExpertsUsed = 8, ExpertFfn = 768,
    };

    public static GgufShape Gemma2_2B => new()
    {
        Arch = "gemma2", Name = "gemma-2-2b", Vocab = 256_000, Hidden = 2304, Layers = 26, Heads = 8, KvHeads = 4,
        HeadDim = 256, Ffn = 9216, Context = 8192, Tied = true, SlidingWindow = 4096,
        BlockNorms = ["attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"],
    };

    public static GgufShape Gemma3_1B => new()
    {
        Arch = "gemma3", Name = "gemma-3-1b", Vocab = 262_144, Hidden = 1152, Layers = 26, Heads = 4, KvHeads = 1,
        HeadDim = 256, Ffn = 6912, Context = 32_768, Tied = true, QkNorm = true, SlidingWindow = 512,
        BlockNorms = ["attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"],
    };

    public static GgufShape Phi3Mini128k => new()
    {
        Arch = "phi3", Name = "Phi-3-mini-128k-instruct", Vocab = 32_064, Hidden = 3072, Layers = 32, Heads = 32, KvHeads = 32,
        Ffn = 8192, Context = 131_072, FusedQkv = true, FusedGateUp = true, RopeFactors = true, SlidingWindow = 262_144,
    };

    public static GgufShape DeepSeekV2Lite => new()
    {
        Arch = "deepseek2", Name = "DeepSeek-V2-Lite", Vocab = 102_400, Hidden = 2048, Layers = 27, Heads = 16, KvHeads = 16,
        Ffn = 10_944, Context = 163_840, KvLoraRank = 512, NopeDim = 128, RopeDim = 64, VDim = 128,
        Experts = 64, ExpertsUsed = 6, ExpertFfn = 1408, SharedExperts = 2, LeadingDense = 1,
    };

    public static GgufShape DeepSeekV3 => new()
    {
        Arch = "deepseek2", Name = "DeepSeek-V3", Vocab = 129_280, Hidden = 7168, Layers = 61, Heads = 128, KvHeads = 1,
        Ffn = 18_432, Context = 163_840, QLoraRank = 1536, KvLoraRank = 512, NopeDim = 128, RopeDim = 64, VDim = 128,
        Experts = 256, ExpertsUsed = 8, ExpertFfn = 2048, SharedExperts = 1, LeadingDense = 3, ScoreCorrectionBias = true,
        MlaV2Layout = true, ExpertType = "IQ1_S",
    };

    public static GgufShape GptOss20B => new()
    {
        Arch = "gpt-oss", Name = "gpt-oss-20b", Vocab = 201_088, Hidden = 2880, Layers = 24, Heads = 64, KvHeads = 8,
        HeadDim = 64, Ffn = 2880, Context = 131_072, QkvBias = true, OutputBias = true, MlpBias = true, Sinks = true,
        SlidingWindow = 128, Experts = 32, ExpertsUsed = 4, ExpertFfn = 2880, RouterBias = true, ExpertType = "MXFP4",
        BlockNorms = ["attn_norm", "post_attention_norm"],
    };

    /// <summary>Qwen/Qwen3-Next-80B-A3B-Instruct's config.json, as llama.cpp's converter writes it without the MTP layer.</summary>
    public static GgufShape Qwen3Next80B => new()
    {
        Arch = "qwen3next", Name = "Qwen3-Next-80B-A3B-Instruct", Vocab = 151_936, Hidden = 2048, Layers = 48, Heads = 16, KvHeads = 2,
        HeadDim = 256, Ffn = 5120, Context = 262_144, QkNorm = true, Experts = 512, ExpertsUsed = 10, ExpertFfn = 512, SharedExpertFfn = 512,
        BlockNorms = ["attn_norm", "post_attention_norm"], SsmConv = 4, SsmState = 128, SsmGroups = 16, SsmHeads = 32, SsmInner = 4096,
    };

    /// <summary>ibm-granite/granite-4.0-h-tiny's config.json as llama.cpp's converter writes it (granitehybrid).</summary>
    public static GgufShape GraniteHTiny => new()
    {
        Arch = "granitehybrid", Name = "granite-4.0-h-tiny", Vocab = 100_352, Hidden = 1536, Layers = 40, Heads = 12, KvHeads = 4,
        Ffn = 512, Context = 131_072, Tied = true, Experts = 64, ExpertsUsed = 6, ExpertFfn = 512, SharedExpertFfn = 1024,
        SsmConv = 4, SsmState = 128, SsmGroups = 1, SsmHeads = 48, SsmInner = 3072, AttentionLayers = [5, 15, 25, 35],
    };

    /// <summary>LiquidAI/LFM2-1.2B's config.json as llama.cpp's converter writes it (lfm2: feed_forward_length auto-adjusted to 8,192).</summary>
    public static GgufShape Lfm2_12B => new()
    {
        Arch = "lfm2", Name = "LFM2-1.2B", Vocab = 65_536, Hidden = 2048, Layers = 16, Heads = 32, KvHeads = 8, Ffn = 8192,
        Context = 128_000, Tied = true, QkNorm = true, SsmConv = 3, AttentionLayers = [2, 5, 8, 10, 12, 14],
    };

    public static GgufShape Gpt2 => new()
    {
        Arch = "gpt2", Name = "gpt2", Vocab = 50_257, Hidden = 768, Layers = 12, Heads = 12, KvHeads = 12, Ffn = 3072,
        Context = 1024, LearnedPositions = 1024, LayerNorm = true, Gated = false, FusedQkv = true, QkvBias = true,
        OutputBias = true, MlpBias = true,
    };

    public static GgufShape Falcon7B => new()
    {
        Arch = "falcon", Name = "falcon-7b", Vocab = 65_024, Hidden = 4544, Layers = 32, Heads = 71, KvHeads = 1, Ffn = 18_176,
        Context = 2048, Tied = true, LayerNorm = true, Gated = false, FusedQkv = true, BlockNorms = ["attn_norm"],
    };

    /// <summary>A quantization type whose block fits a row of <paramref name="rowLength"/>: Q4_K, else Q8_0, else F16.</summary>
    public static string QuantFor(long rowLength) => rowLength % 256 == 0 ? "Q4_K" : rowLength % 32 == 0 ? "Q8_0" : "F16";

    /// <summary>
    /// A writer holding <paramref name="s"/>'s metadata, tokenizer and every tensor info. Matrices take
    /// <paramref name="matrixType"/> of their row length (default <see cref="QuantFor"/>), the output matrix
    /// <paramref name="outputType"/> when given. <paramref name="loadableTokenizer"/> adds the (empty) BPE merge list
    /// llama.cpp needs to build a tokenizer, so that real llama.cpp can load the file.
    /// </summary>
    public static GgufWriter Writer(GgufShape s, Func<long, string>? matrixType = null, string? outputType = null, bool loadableTokenizer = false)
    {
        var type = matrixType ?? QuantFor;
        var w = new GgufWriter();
        string a = s.Arch;
        int hd = s.HeadDim ?? s.Hidden / s.Heads;
        w.Add("general.architecture", a).Add("general.name", s.Name)
            .Add($"{a}.context_length", (uint)s.Context)
            .Add($"{a}.embedding_length", (uint)s.Hidden)
            .Add($"{a}.block_count", (uint)s.Layers)
            .Add($"{a}.feed_forward_length", (uint)s.Ffn)
            .Add($"{a}.attention.head_count", (uint)s.Heads);
        if (s.KvHeads > 0 && a is "granitehybrid" or "lfm2")
            // Granite's loader marks a layer recurrent by a 0 in the per-layer KV head count.
            w.Add($"{a}.attention.head_count_kv", GgufWriter.Value.U32s(Enumerable.Range(0, s.Layers).Select(i => s.IsRecurrentLayer(i) ? 0u : (uint)s.KvHeads)));
        else if (s.KvHeads > 0)
            w.Add($"{a}.attention.head_count_kv", (uint)s.KvHeads);
        if (s.HeadDim is { } dim)
            w.Add($"{a}.attention.key_length", (uint)dim).Add($"{a}.attention.value_length", (uint)dim);
        w.Add(s.LayerNorm ? $"{a}.attention.layer_norm_epsilon" : $"{a}.attention.layer_norm_rms_epsilon", GgufWriter.Value.F32(1e-5f));
        if (s.SlidingWindow is { } window)
            w.Add($"{a}.attention.sliding_window", (uint)window);
        if (s.LogitScale is { } scale)
            w.Add($"{a}.logit_scale", GgufWriter.Value.F32(scale));
        if (s.Experts > 0)
        {
            w.Add($"{a}.expert_count", (uint)s.Experts).Add($"{a}.expert_used_count", (uint)s.ExpertsUsed);
            if (s.Arch != "llama")
                w.Add($"{a}.expert_feed_forward_length", (uint)s.ExpertFfn);
            // Llama 4's converter writes no shared count: its one shared expert is known from the ffn_*_shexp tensors.
            if (s.SharedExperts > 0 && a != "llama4")
                w.Add($"{a}.expert_shared_count", (uint)s.SharedExperts);
            if (a == "llama4")
                w.Add($"{a}.interleave_moe_layer_step", (uint)s.MoeLayerStep);
            if (s.SharedExpertFfn > 0)
                w.Add($"{a}.expert_shared_feed_forward_length", (uint)s.SharedExpertFfn);
            if (s.LeadingDense > 0)
                w.Add($"{a}.leading_dense_block_count", (uint)s.LeadingDense);
        }
        if (s.SsmConv > 0 && a == "lfm2")
        {
            w.Add($"{a}.vocab_size", (uint)s.Vocab).Add($"{a}.shortconv.l_cache", (uint)s.SsmConv);
        }
        else if (s.SsmConv > 0)
        {
            w.Add($"{a}.ssm.conv_kernel", (uint)s.SsmConv).Add($"{a}.ssm.state_size", (uint)s.SsmState)
                .Add($"{a}.ssm.group_count", (uint)s.SsmGroups).Add($"{a}.ssm.time_step_rank", (uint)s.SsmHeads)
                .Add($"{a}.ssm.inner_size", (uint)s.SsmInner);
            if (a != "granitehybrid")
                w.Add($"{a}.full_attention_interval", (uint)s.FullAttentionInterval);
            if (a is "qwen35" or "qwen35moe")
                w.Add($"{a}.rope.dimension_sections", GgufWriter.Value.Array(GgufValueType.Int32, GgufWriter.Value.I32(11), GgufWriter.Value.I32(11), GgufWriter.Value.I32(10), GgufWriter.Value.I32(0)));
        }
        if (s.KvLoraRank > 0)
        {
            if (s.QLoraRank > 0)
                w.Add($"{a}.attention.q_lora_rank", (uint)s.QLoraRank);
            w.Add($"{a}.attention.kv_lora_rank", (uint)s.KvLoraRank).Add($"{a}.rope.dimension_count", (uint)s.RopeDim);
            if (s.MlaV2Layout)
                w.Add($"{a}.attention.key_length", (uint)(s.KvLoraRank + s.RopeDim))
                    .Add($"{a}.attention.value_length", (uint)s.KvLoraRank)
                    .Add($"{a}.attention.key_length_mla", (uint)(s.NopeDim + s.RopeDim))
                    .Add($"{a}.attention.value_length_mla", (uint)s.VDim);
            else
                w.Add($"{a}.attention.key_length", (uint)(s.NopeDim + s.RopeDim)).Add($"{a}.attention.value_length", (uint)s.VDim);
        }
        else
        {
            w.Add($"{a}.rope.dimension_count", (uint)hd);
        }
        w.Add("tokenizer.ggml.model", "gpt2").Add("tokenizer.ggml.tokens", Tokens(s.Vocab));
        if (loadableTokenizer)
            w.Add("tokenizer.ggml.merges", GgufWriter.Value.Strings([]));

        w.Tensor("token_embd.weight", type(s.Hidden), s.Hidden, s.Vocab);
        if (s.LearnedPositions > 0)
            w.Tensor("position_embd.weight", "F32", s.Hidden, s.LearnedPositions);
        if (s.RopeFreqs)
            w.Tensor("rope_freqs.weight", "F32", hd / 2);
        if (s.RopeFactors)
            w.Tensor("rope_factors_long.weight", "F32", hd / 2).Tensor("rope_factors_short.weight", "F32", hd / 2);
        for (int i = 0; i < s.Layers; i++)
            Block(w, s, i, hd, type);
        // LFM2's final norm keeps llama.cpp's name for it, token_embd_norm (LLM_TENSOR_OUTPUT_NORM_LFM2).
        w.Tensor(a == "lfm2" ? "token_embd_norm.weight" : "output_norm.weight", "F32", s.Hidden);
        if (s.LayerNorm && s.LayerNormBias)
            w.Tensor("output_norm.bias", "F32", s.Hidden);
        if (!s.Tied)
            w.Tensor("output.weight", outputType ?? (s.Hidden % 256 == 0 ? "Q6_K" : type(s.Hidden)), s.Hidden, s.Vocab);
        return w;
    }

    private static void Block(GgufWriter w, GgufShape s, int i, int hd, Func<long, string> type)
    {
        string b = $"blk.{i}.";
        long h = s.Hidden, q = (long)s.Heads * hd, kv = (long)s.KvHeads * hd;
        foreach (string norm in s.BlockNorms)
        {
            w.Tensor($"{b}{norm}.weight", "F32", h);
            if (s.LayerNorm && s.LayerNormBias)
                w.Tensor($"{b}{norm}.bias", "F32", h);
        }

        if (s.KvLoraRank > 0)
        {
            long qHead = (long)s.Heads * (s.NopeDim + s.RopeDim);
            if (s.QLoraRank > 0)
                w.Tensor($"{b}attn_q_a.weight", type(h), h, s.QLoraRank)
                    .Tensor($"{b}attn_q_a_norm.weight", "F32", s.QLoraRank)
                    .Tensor($"{b}attn_q_b.weight", type(s.QLoraRank), s.QLoraRank, qHead);
            else
                w.Tensor($"{b}attn_q.weight", type(h), h, qHead);
            w.Tensor($"{b}attn_kv_a_mqa.weight", type(h), h, s.KvLoraRank + s.RopeDim)
                .Tensor($"{b}attn_kv_a_norm.weight", "F32", s.KvLoraRank);
            if (s.MlaV2Layout)
                w.Tensor($"{b}attn_k_b.weight", type(s.NopeDim), s.NopeDim, s.KvLoraRank, s.Heads)
                    .Tensor($"{b}attn_v_b.weight", type(s.KvLoraRank), s.KvLoraRank, s.VDim, s.Heads);
            else
                w.Tensor($"{b}attn_kv_b.weight", type(s.KvLoraRank), s.KvLoraRank, (long)s.Heads * (s.NopeDim + s.VDim));
            w.Tensor($"{b}attn_output.weight", type((long)s.Heads * s.VDim), (long)s.Heads * s.VDim, h);
        }
        else if (s.IsRecurrentLayer(i) && s.Arch == "granitehybrid")
        {
            Mamba2(w, s, b, type);
        }
        else if (s.IsRecurrentLayer(i) && s.Arch == "lfm2")
        {
            // LFM2's short convolution (src/models/lfm2.cpp): in_proj to B, C and x, the depthwise kernel (F32), out_proj.
            w.Tensor($"{b}shortconv.conv.weight", "F32", s.SsmConv, h)
                .Tensor($"{b}shortconv.in_proj.weight", type(h), h, 3 * h)
                .Tensor($"{b}shortconv.out_proj.weight", type(h), h, h);
        }
        else if (s.IsRecurrentLayer(i))
        {
            GatedDeltaNet(w, s, b, type);
        }
        else if (s.FusedQkv)
        {
            w.Tensor($"{b}attn_qkv.weight", type(h), h, q + 2 * kv);
            if (s.QkvBias)
                w.Tensor($"{b}attn_qkv.bias", "F32", q + 2 * kv);
        }
        else
        {
            // Qwen3-Next's gated attention: the query projection also yields the output gate, twice as wide.
            w.Tensor($"{b}attn_q.weight", type(h), h, s.SsmConv > 0 && s.Arch is "qwen3next" or "qwen35" or "qwen35moe" ? 2 * q : q)
                .Tensor($"{b}attn_k.weight", type(h), h, kv)
                .Tensor($"{b}attn_v.weight", type(h), h, kv);
            if (s.QkvBias)
                w.Tensor($"{b}attn_q.bias", "F32", q).Tensor($"{b}attn_k.bias", "F32", kv).Tensor($"{b}attn_v.bias", "F32", kv);
        }
        if (s.KvLoraRank == 0 && !s.IsRecurrentLayer(i))
        {
            w.Tensor($"{b}attn_output.weight", type(q), q, h);
            if (s.OutputBias)
                w.Tensor($"{b}attn_output.bias", "F32", h);
        }
        if (s.QkNorm && !s.IsRecurrentLayer(i))
            w.Tensor($"{b}attn_q_norm.weight", "F32", hd).Tensor($"{b}attn_k_norm.weight", "F32", hd);
        if (s.Sinks)
            w.Tensor($"{b}attn_sinks.weight", "F32", s.Heads);

        if (s.Experts > 0 && i >= s.LeadingDense && (i + 1) % s.MoeLayerStep == 0)
            Experts(w, s, b, type);
        else
            DenseMlp(w, s, b, type);
    }

    /// <summary>
    /// A Gated DeltaNet layer as llama.cpp's converter writes it (src/models/qwen3next.cpp, qwen35.cpp): the fused q/k/v
    /// projection (attn_qkv) and the output gate (attn_gate), the conv1d over q, k and v (F32), dt bias and A per value head,
    /// β and α (qwen3next: one ssm_ba; qwen35: ssm_beta and ssm_alpha), the gated norm of one value head, ssm_out.
    /// </summary>
    private static void GatedDeltaNet(GgufWriter w, GgufShape s, string b, Func<long, string> type)
    {
        long h = s.Hidden, keys = (long)s.SsmGroups * s.SsmState, inner = s.SsmInner, heads = s.SsmHeads;
        w.Tensor($"{b}attn_qkv.weight", type(h), h, 2 * keys + inner)
            .Tensor($"{b}attn_gate.weight", type(h), h, inner)
            .Tensor($"{b}ssm_conv1d.weight", "F32", s.SsmConv, 2 * keys + inner)
            .Tensor($"{b}ssm_dt.bias", "F32", heads)
            .Tensor($"{b}ssm_a", "F32", heads);
        if (s.Arch == "qwen3next")
            w.Tensor($"{b}ssm_ba.weight", type(h), h, 2 * heads);
        else
            w.Tensor($"{b}ssm_beta.weight", type(h), h, heads).Tensor($"{b}ssm_alpha.weight", type(h), h, heads);
        w.Tensor($"{b}ssm_norm.weight", "F32", inner / heads)
            .Tensor($"{b}ssm_out.weight", type(inner), inner, h);
    }

    /// <summary>
    /// A Mamba-2 layer as llama.cpp's converter writes it for Granite-4.0-H (src/models/granite-hybrid.cpp): ssm_in to z, x, B, C
    /// and dt; the conv1d over x, B and C (F32) with its bias; dt bias, A and D per head (A and D as [1, heads], no suffix); the
    /// gated norm as [groups, inner / groups]; ssm_out.
    /// </summary>
    private static void Mamba2(GgufWriter w, GgufShape s, string b, Func<long, string> type)
    {
        long h = s.Hidden, inner = s.SsmInner, bc = 2L * s.SsmGroups * s.SsmState, heads = s.SsmHeads;
        w.Tensor($"{b}ssm_in.weight", type(h), h, 2 * inner + bc + heads)
            .Tensor($"{b}ssm_conv1d.weight", "F32", s.SsmConv, inner + bc)
            .Tensor($"{b}ssm_conv1d.bias", "F32", inner + bc)
            .Tensor($"{b}ssm_dt.bias", "F32", heads)
            .Tensor($"{b}ssm_a", "F32", 1, heads)
            .Tensor($"{b}ssm_d", "F32", 1, heads)
            .Tensor($"{b}ssm_norm.weight", "F32", inner / s.SsmGroups, s.SsmGroups)
            .Tensor($"{b}ssm_out.weight", type(inner), inner, h);
    }

    private static void DenseMlp(GgufWriter w, GgufShape s, string b, Func<long, string> type)
    {
        long h = s.Hidden, f = s.Ffn;
        if (s.FusedGateUp)
            w.Tensor($"{b}ffn_up.weight", type(h), h, 2 * f);
        else
        {
            if (s.Gated)
                w.Tensor($"{b}ffn_gate.weight", type(h), h, f);
            w.Tensor($"{b}ffn_up.weight", type(h), h, f);
        }
        w.Tensor($"{b}ffn_down.weight", type(f), f, h);
        if (s.MlpBias)
            w.Tensor($"{b}ffn_up.bias", "F32", f).Tensor($"{b}ffn_down.bias", "F32", h);
    }

    private static void Experts(GgufWriter w, GgufShape s, string b, Func<long, string> type)
    {
        long h = s.Hidden, fe = s.ExpertFfn, e = s.Experts;
        string up = s.ExpertType.Length > 0 ? s.ExpertType : type(h);
        string down = s.ExpertType.Length > 0 ? s.ExpertType : type(fe);
        w.Tensor($"{b}ffn_gate_inp.weight", "F32", h, e);
        if (s.RouterBias)
            w.Tensor($"{b}ffn_gate_inp.bias", "F32", e);
        if (s.ScoreCorrectionBias)
            w.Tensor($"{b}exp_probs_b.bias", "F32", e);
        w.Tensor($"{b}ffn_gate_exps.weight", up, h, fe, e)
            .Tensor($"{b}ffn_up_exps.weight", up, h, fe, e)
            .Tensor($"{b}ffn_down_exps.weight", down, fe, h, e);
        if (s.MlpBias)
            w.Tensor($"{b}ffn_gate_exps.bias", "F32", fe, e)
                .Tensor($"{b}ffn_up_exps.bias", "F32", fe, e)
                .Tensor($"{b}ffn_down_exps.bias", "F32", h, e);
        long shared = s.SharedExperts * fe + s.SharedExpertFfn;
        if (shared > 0)
        {
            w.Tensor($"{b}ffn_gate_shexp.weight", type(h), h, shared)
                .Tensor($"{b}ffn_up_shexp.weight", type(h), h, shared)
                .Tensor($"{b}ffn_down_shexp.weight", type(shared), shared, h);
            if (s.SharedExpertFfn > 0 && s.Arch != "granitehybrid") // Granite's shared MLP has no gate
                w.Tensor($"{b}ffn_gate_inp_shexp.weight", "F32", h);
        }
    }

    /// <summary>A <c>tokenizer.ggml.tokens</c> array of <paramref name="count"/> short strings, written without one object per token.</summary>
    public static GgufWriter.Value Tokens(long count) => new(GgufValueType.Array, w =>
    {
        w.Write((uint)GgufValueType.String);
        w.Write((ulong)count);
        Span<byte> text = stackalloc byte[24];
        for (long i = 0; i < count; i++)
        {
            int n = Encoding.ASCII.GetBytes($"t{i}", text);
            w.Write((ulong)n);
            w.Write(text[..n]);
        }
    });

    /// <summary>A <c>tokenizer.ggml.merges</c>-like array of <paramref name="count"/> "a b" strings.</summary>
    public static GgufWriter.Value Merges(long count) => new(GgufValueType.Array, w =>
    {
        w.Write((uint)GgufValueType.String);
        w.Write((ulong)count);
        Span<byte> text = stackalloc byte[40];
        for (long i = 0; i < count; i++)
        {
            int n = Encoding.ASCII.GetBytes($"t{i % 5000} t{i / 5000}", text);
            w.Write((ulong)n);
            w.Write(text[..n]);
        }
    });
}
