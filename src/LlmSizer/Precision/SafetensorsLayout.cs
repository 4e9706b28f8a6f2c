using System.Runtime.CompilerServices;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;

namespace LlmSizer.Precision;

/// <summary>
/// One logical tensor of a Hugging Face checkpoint: a module's weight (a matrix of <see cref="Out"/> × <see cref="In"/>,
/// possibly a stack of <see cref="Stack"/> experts) or a vector. <see cref="ParameterStyle"/> marks the tensors a model holds
/// as bare parameters rather than <c>nn.Linear</c> weights (gpt-oss's experts and sinks, DeepSeek-V3's correction bias), which
/// are named <c>module</c>, <c>module_bias</c>, <c>module_blocks</c> instead of <c>module.weight</c>.
/// </summary>
/// <param name="Prefix">The block's part of the module path (<c>model.layers.3.</c>), empty outside blocks.</param>
/// <param name="Leaf">The rest of the module path (<c>self_attn.q_proj</c>).</param>
/// <param name="Category">The breakdown category of <see cref="Name"/> (<see cref="TensorClassifier"/>'s).</param>
internal sealed record HfTensor(string Prefix, string Leaf, string Suffix, GgufTensorRole Role, long[] Shape, long Out, long In, long Stack, bool ParameterStyle,
    ParameterCategory Category)
{
    public string Module => Prefix + Leaf;

    public string NameFor(string suffix) => Compose(Prefix, Leaf, suffix, ParameterStyle);

    /// <summary>The tensor's name in the checkpoint, made once: a prediction reads it for every tensor.</summary>
    public string Name { get; } = Compose(Prefix, Leaf, Suffix, ParameterStyle);

    internal static string Compose(string prefix, string leaf, string suffix, bool parameterStyle) => parameterStyle
        ? (suffix == "weight" ? prefix + leaf : string.Concat(prefix, leaf, "_", suffix))
        : string.Concat(prefix, leaf, ".", suffix);

    public long Elements
    {
        get
        {
            long product = 1;
            foreach (long d in Shape)
                product = checked(product * d);
            return product;
        }
    }

    /// <summary>A weight matrix (or a stack of them) that a format may quantize.</summary>
    public bool IsMatrix => Role is GgufTensorRole.Projection or GgufTensorRole.Experts or GgufTensorRole.Router
        or GgufTensorRole.TokenEmbedding or GgufTensorRole.PositionEmbedding or GgufTensorRole.Output;
}

/// <summary>
/// The tensors a Hugging Face checkpoint of a <see cref="ModelSpec"/> holds, translated from llama.cpp's layout: names as
/// transformers' modelling code writes them (<c>model.layers.N.self_attn.q_proj</c>; GPT-2's <c>transformer.h.N.attn.c_attn</c>;
/// Falcon's <c>self_attention.query_key_value</c>), shapes <c>[out, in]</c>. Differences from the GGUF side: GPT-2's tied head is
/// not stored; DeepSeek's <c>kv_b_proj</c> is one matrix (llama.cpp splits it per head); gpt-oss keeps gate and up fused; routed
/// experts are shown stacked, one tensor per projection with a leading expert dimension (checkpoints that save one module per
/// expert hold the same bytes in that many tensors).
/// </summary>
internal static class SafetensorsLayout
{
    /// <summary>
    /// The checkpoint's tensors for <paramref name="spec"/>, kept per spec object (weakly): a pure function of an immutable spec,
    /// which every format predicted for the model starts from.
    /// </summary>
    public static IReadOnlyList<HfTensor> Tensors(ModelSpec spec) =>
        BySpec.TryGetValue(spec, out var known) ? known : BySpec.GetValue(spec, Build);

    private static readonly ConditionalWeakTable<ModelSpec, IReadOnlyList<HfTensor>> BySpec = [];

    private static IReadOnlyList<HfTensor> Build(ModelSpec spec)
    {
        string arch = GgufLayout.LlamaCppArchitecture(spec) ?? spec.Architecture;
        var tensors = GgufLayout.Supports(spec) ? GgufLayout.Tensors(spec) : GgufLayout.AnyArchitecture(spec);
        var list = new List<HfTensor>(tensors.Count);
        // One "model.layers.N." per block, not one per tensor.
        var prefixes = new string?[spec.Layers];
        // A block tensor's translation depends on its kind (blk.N.attn_q.weight → .attn_q.weight), not on N: worked out once per kind.
        var kinds = new Dictionary<string, Kind?>(32, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var t in tensors)
        {
            var key = t.Layer < 0 ? t.Name : GgufLayout.KindOf(t.Name);
            if (!kinds.TryGetValue(key, out var kind))
                kinds[key] = kind = Describe(spec, arch, t);
            if (kind is not null)
                list.Add(Translate(spec, arch, kind, t, prefixes));
        }
        return list.AsReadOnly();
    }

    /// <summary>
    /// What every tensor of one kind becomes: its module, suffix, naming style and reshaping, and (from the first such tensor's
    /// name) its breakdown category, which the block number never changes.
    /// </summary>
    private sealed class Kind(string module, string suffix, bool parameterStyle, Reshape reshape)
    {
        public string Module { get; } = module;
        public string Suffix { get; } = suffix;
        public bool ParameterStyle { get; } = parameterStyle;
        public Reshape Reshape { get; } = reshape;
        public ParameterCategory? Category { get; set; }
    }

    /// <summary>How a tensor's shape differs from llama.cpp's.</summary>
    private enum Reshape { None, KvB, GptOssGateUp, ShortConvKernel, SharedExpertGate }

    private static HfTensor Translate(ModelSpec spec, string arch, Kind kind, GgufLayoutTensor t, string?[] prefixes)
    {
        bool transformerH = arch is "gpt2" or "falcon";
        string prefix = t.Layer < 0 ? ""
            : t.Layer < prefixes.Length ? prefixes[t.Layer] ??= BlockPrefix(t.Layer, transformerH)
            : BlockPrefix(t.Layer, transformerH);
        // Layout shapes are never changed after they are made, so the translation shares them unless it reshapes.
        long[] shape = kind.Reshape switch
        {
            // kv_b_proj: [heads × (nope + v), kv_lora_rank].
            Reshape.KvB when spec.Mla is { } mla => [spec.AttentionHeads * (mla.QkNopeHeadDim + (long)mla.VHeadDim), mla.KvLoraRank],
            // gate_up_proj: gate and up stacked along the rows, as gpt-oss stores them ([experts, 2 × ffn, hidden]; the bias [experts, 2 × ffn]).
            Reshape.GptOssGateUp => kind.Suffix == "bias" ? [t.Shape[0], 2 * t.Shape[1]] : [t.Shape[0], 2 * t.Shape[1], t.Shape[2]],
            // nn.Conv1d(hidden, hidden, kernel, groups=hidden): [hidden, 1, kernel]
            Reshape.ShortConvKernel => [t.Shape[0], 1, t.Shape[1]],
            // nn.Linear(hidden, 1)
            Reshape.SharedExpertGate => [1, t.Shape[0]],
            _ => t.Shape as long[] ?? [.. t.Shape],
        };
        long @out = 0, @in = 0, stack = 1;
        var role = t.Role;
        if (kind.Suffix == "weight" && shape.Length >= 2 && role is not (GgufTensorRole.Bias or GgufTensorRole.Norm or GgufTensorRole.Other))
        {
            if (shape.Length == 3)
                (stack, @out, @in) = (shape[0], shape[1], shape[2]);
            else
                (@out, @in) = (shape[0], shape[1]);
        }
        kind.Category ??= TensorClassifier.Classify(HfTensor.Compose(prefix, kind.Module, kind.Suffix, kind.ParameterStyle));
        return new HfTensor(prefix, kind.Module, kind.Suffix, role, shape, @out, @in, stack, kind.ParameterStyle, kind.Category.Value);
    }

    /// <summary>How the tensors of <paramref name="t"/>'s kind are named and shaped in the checkpoint; null for those it does not store.</summary>
    private static Kind? Describe(ModelSpec spec, string arch, GgufLayoutTensor t)
    {
        string name = t.Name;
        bool gpt2 = arch == "gpt2", falcon = arch == "falcon", gptOss = arch == "gpt-oss";
        string suffix = name.EndsWith(".bias", StringComparison.Ordinal) ? "bias" : "weight";
        // llama.cpp names a few parameters without a suffix (Gated DeltaNet's blk.N.ssm_a).
        ReadOnlySpan<char> stem = name.EndsWith(".weight", StringComparison.Ordinal) || suffix == "bias"
            ? name.AsSpan(0, name.LastIndexOf('.'))
            : name.AsSpan();

        if (stem is "output" && gpt2)
            return null; // GPT-2's checkpoint ties lm_head to wte and does not store it.
        if (stem.EndsWith("attn_v_b", StringComparison.Ordinal))
            return null; // folded into kv_b_proj with attn_k_b
        if (gptOss && stem.EndsWith("ffn_up_exps", StringComparison.Ordinal))
            return null; // folded into gate_up_proj with ffn_gate_exps

        string module;
        bool parameterStyle = false;
        var reshape = Reshape.None;

        if (t.Layer < 0)
        {
            module = stem switch
            {
                "token_embd" => gpt2 ? "transformer.wte" : falcon ? "transformer.word_embeddings" : "model.embed_tokens",
                "position_embd" => "transformer.wpe",
                "token_embd_norm" => arch == "lfm2" ? "model.embedding_norm" : "model.embed_layernorm",
                "output_norm" => gpt2 || falcon ? "transformer.ln_f" : "model.norm",
                "output" => "lm_head",
                "project_in" => "model.project_in",
                "project_out" => "model.project_out",
                _ => stem.ToString(),
            };
        }
        else
        {
            var local = stem[(stem[4..].IndexOf('.') + 5)..];
            string shared = arch is "qwen2moe" or "qwen3next" ? "mlp.shared_expert" : arch == "granitehybrid" ? "shared_mlp" : "mlp.shared_experts";
            bool mamba = spec.Recurrent?.Kind == RecurrentKind.Mamba2, lfm2 = arch == "lfm2";
            module = local switch
            {
                // LFM2 (modeling_lfm2.py): operator_norm, conv.*, self_attn.out_proj / q_layernorm / k_layernorm, feed_forward.w1-w3.
                "attn_norm" when lfm2 => "operator_norm",
                "ffn_norm" when lfm2 => "ffn_norm",
                "attn_output" when lfm2 => "self_attn.out_proj",
                "attn_q_norm" when lfm2 => "self_attn.q_layernorm",
                "attn_k_norm" when lfm2 => "self_attn.k_layernorm",
                "ffn_gate" when lfm2 => "feed_forward.w1",
                "ffn_up" when lfm2 => "feed_forward.w3",
                "ffn_down" when lfm2 => "feed_forward.w2",
                "shortconv.in_proj" => "conv.in_proj",
                "shortconv.conv" => "conv.conv",
                "shortconv.out_proj" => "conv.out_proj",
                "attn_norm" => gpt2 ? "ln_1" : falcon && spec.NormsPerLayer == 2 ? "ln_attn" : "input_layernorm",
                "attn_norm_2" => "ln_mlp",
                "ffn_norm" => gpt2 ? "ln_2" : spec.NormsPerLayer == 4 ? "pre_feedforward_layernorm" : "post_attention_layernorm",
                "post_attention_norm" => "post_attention_layernorm",
                "post_ffw_norm" => "post_feedforward_layernorm",
                "attn_q" => "self_attn.q_proj",
                "attn_k" => "self_attn.k_proj",
                "attn_v" => "self_attn.v_proj",
                // Gated DeltaNet's q/k/v projection (Qwen3.5's name; Qwen3-Next fuses in_proj_qkv and in_proj_z into in_proj_qkvz).
                "attn_qkv" when spec.Recurrent is not null => "linear_attn.in_proj_qkv",
                "attn_qkv" => gpt2 ? "attn.c_attn" : falcon ? "self_attention.query_key_value" : "self_attn.qkv_proj",
                "attn_output" => gpt2 ? "attn.c_proj" : falcon ? "self_attention.dense" : "self_attn.o_proj",
                "attn_q_norm" => "self_attn.q_norm",
                "attn_k_norm" => "self_attn.k_norm",
                "attn_sinks" => "self_attn.sinks",
                "attn_q_a" => "self_attn.q_a_proj",
                "attn_q_a_norm" => "self_attn.q_a_layernorm",
                "attn_q_b" => "self_attn.q_b_proj",
                "attn_kv_a_mqa" => "self_attn.kv_a_proj_with_mqa",
                "attn_kv_a_norm" => "self_attn.kv_a_layernorm",
                "attn_k_b" => "self_attn.kv_b_proj",
                "ffn_gate" => "mlp.gate_proj",
                "ffn_up" => gpt2 ? "mlp.c_fc" : falcon ? "mlp.dense_h_to_4h" : arch == "phi3" ? "mlp.gate_up_proj" : "mlp.up_proj",
                "ffn_down" => gpt2 ? "mlp.c_proj" : falcon ? "mlp.dense_4h_to_h" : "mlp.down_proj",
                "ffn_gate_inp" => gptOss ? "mlp.router" : "mlp.gate",
                "exp_probs_b" => "mlp.gate.e_score_correction_bias",
                "ffn_gate_exps" => gptOss ? "mlp.experts.gate_up_proj" : "mlp.experts.gate_proj",
                "ffn_up_exps" => "mlp.experts.up_proj",
                "ffn_down_exps" => "mlp.experts.down_proj",
                "ffn_gate_shexp" => shared + ".gate_proj",
                "ffn_up_shexp" => shared + ".up_proj",
                "ffn_down_shexp" => shared + ".down_proj",
                "ffn_gate_inp_shexp" => "mlp.shared_expert_gate",
                // The rest of Gated DeltaNet, and Mamba-2 (Granite-4.0-H's mamba.*).
                "attn_gate" => "linear_attn.in_proj_z",
                "ssm_in" => mamba ? "mamba.in_proj" : "linear_attn.in_proj_qkvz",
                "ssm_ba" => "linear_attn.in_proj_ba",
                "ssm_conv1d" => mamba ? "mamba.conv1d" : "linear_attn.conv1d",
                "ssm_dt" => mamba ? "mamba.dt_bias" : "linear_attn.dt_bias",
                "ssm_a" => mamba ? "mamba.A_log" : "linear_attn.A_log",
                "ssm_d" => "mamba.D",
                "ssm_norm" => mamba ? "mamba.norm" : "linear_attn.norm",
                "ssm_out" => mamba ? "mamba.out_proj" : "linear_attn.out_proj",
                _ => local.ToString(),
            };
            parameterStyle = local is "attn_sinks" or "exp_probs_b" or "ssm_dt" or "ssm_a" or "ssm_d" || (gptOss && local.EndsWith("_exps", StringComparison.Ordinal));
            if (local is "exp_probs_b" or "ssm_dt" or "ssm_a" or "ssm_d")
                suffix = "weight"; // a bare parameter: the name is the module itself

            if (local is "attn_k_b" && spec.Mla is not null)
                reshape = Reshape.KvB;
            else if (gptOss && local is "ffn_gate_exps")
                reshape = Reshape.GptOssGateUp;
            else if (local is "shortconv.conv" && suffix == "weight")
                reshape = Reshape.ShortConvKernel;
            else if (local is "ffn_gate_inp_shexp")
                reshape = Reshape.SharedExpertGate;
        }
        return new Kind(module, suffix, parameterStyle, reshape);
    }

    private static string BlockPrefix(int layer, bool transformerH) =>
        transformerH ? $"transformer.h.{layer}." : $"model.layers.{layer}.";
}
