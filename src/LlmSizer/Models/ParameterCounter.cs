namespace LlmSizer.Models;

/// <summary>
/// Counts every stored parameter of a <see cref="ModelSpec"/>, tensor group by tensor group.
/// Each stored weight counts once (tied embeddings once); buffers such as rotary <c>inv_freq</c> are not parameters.
/// </summary>
public static class ParameterCounter
{
    /// <summary>The field a <see cref="ModelSpecException"/> names when the sizes are each valid but their count passes 64 bits.</summary>
    public const string SizesField = "sizes";

    /// <summary>Counts <paramref name="spec"/>'s parameters; throws <see cref="ModelSpecException"/> for an invalid spec or one whose count passes 64 bits.</summary>
    public static ParameterCount Count(ModelSpec spec)
    {
        ModelSpecValidator.Validate(spec);
        try
        {
            return CountValid(spec);
        }
        catch (OverflowException)
        {
            // Each size is within the validator's caps, yet together they can pass long.MaxValue (65,536 experts of 2^26 × 2^20).
            throw new ModelSpecException(SizesField, "expected sizes whose parameter count fits in 64 bits, found an overflow");
        }
    }

    private static ParameterCount CountValid(ModelSpec spec)
    {
        var main = new List<ParameterComponent>();
        long h = spec.HiddenSize;
        long embedWidth = spec.EmbeddingProjectionSize ?? h;

        main.Add(Dense("embedding.tokens", ParameterCategory.Embedding, 1, spec.VocabSize * embedWidth,
            $"vocab × width = {spec.VocabSize} × {embedWidth}"));
        if (spec.Positions == PositionEncoding.Learned && spec.LearnedPositions > 0)
            main.Add(Dense("embedding.positions", ParameterCategory.Embedding, 1, spec.LearnedPositions * h,
                $"positions × hidden = {spec.LearnedPositions} × {h}"));
        if (spec.EmbeddingProjectionSize is { } proj)
        {
            main.Add(Dense("embedding.project_in", ParameterCategory.Other, 1, proj * h, $"{proj} × {h}"));
            main.Add(Dense("embedding.project_out", ParameterCategory.Other, 1, h * proj, $"{h} × {proj}"));
        }
        if (spec.EmbeddingNorm)
            AddNorm(main, spec, "embedding.norm", 1, h);

        int moeLayers = 0, denseLayers = 0;
        for (int l = 0; l < spec.Layers; l++)
        {
            if (!spec.HasMlpAt(l))
                continue;
            if (spec.IsMoeLayer(l))
                moeLayers++;
            else
                denseLayers++;
        }
        int recurrentLayers = spec.Recurrent?.Count(LayerMixer.Recurrent) ?? 0;
        AddDecoderLayers(main, spec, "layers", spec.Layers, spec.AttentionLayerCount, recurrentLayers, denseLayers, moeLayers);

        if (spec.FinalNorm)
            AddNorm(main, spec, "final_norm", 1, h);
        if (!spec.TiedEmbeddings)
            main.Add(Dense("lm_head", ParameterCategory.LmHead, 1, spec.VocabSize * embedWidth,
                $"vocab × width = {spec.VocabSize} × {embedWidth}"));
        if (spec.Biases.LmHead)
            main.Add(Dense("lm_head.bias", ParameterCategory.LmHead, 1, spec.VocabSize, $"vocab = {spec.VocabSize}"));

        return new ParameterCount(main.Where(c => c.Total > 0).ToList(), CountMultiTokenPrediction(spec));
    }

    /// <summary>
    /// A multi-token-prediction module as its checkpoint stores it: a full (attention) decoder layer, the enorm/hnorm pair,
    /// the 2h→h projection, the shared-head norm, and — DeepSeek-V3, not Qwen3-Next (<see cref="ModelSpec.MultiTokenPredictionSharesHead"/>) —
    /// its own copies of the embedding and output matrices.
    /// </summary>
    private static List<ParameterComponent> CountMultiTokenPrediction(ModelSpec spec)
    {
        var apart = new List<ParameterComponent>();
        int n = spec.MultiTokenPredictionLayers;
        if (n <= 0)
            return apart;
        long h = spec.HiddenSize;
        bool moe = spec.Moe is not null;
        AddDecoderLayers(apart, spec, "mtp.layer", n, n, 0, moe ? 0 : n, moe ? n : 0);
        AddNorm(apart, spec, "mtp.enorm_hnorm", n, 2 * h, $"enorm + hnorm, 2 × hidden {h}");
        apart.Add(Dense("mtp.eh_proj", ParameterCategory.Other, n, 2 * h * h, $"2·hidden × hidden = {2 * h} × {h}"));
        AddNorm(apart, spec, "mtp.shared_head.norm", n, h);
        if (spec.MultiTokenPredictionSharesHead)
            return apart;
        apart.Add(Dense("mtp.embedding_copy", ParameterCategory.Embedding, n, spec.VocabSize * h, $"vocab × hidden = {spec.VocabSize} × {h}"));
        apart.Add(Dense("mtp.shared_head.head", ParameterCategory.LmHead, n, spec.VocabSize * h, $"vocab × hidden = {spec.VocabSize} × {h}"));
        return apart;
    }

    private static void AddDecoderLayers(List<ParameterComponent> into, ModelSpec spec, string prefix, int layers,
        int attentionLayers, int recurrentLayers, int denseLayers, int moeLayers)
    {
        if (spec.Mla is { } mla)
            AddLatentAttention(into, spec, mla, prefix, layers);
        else if (attentionLayers > 0)
            AddAttention(into, spec, prefix, attentionLayers);
        if (recurrentLayers > 0 && spec.Recurrent is { } recurrent)
            AddRecurrent(into, spec, recurrent, prefix, recurrentLayers);

        AddNorm(into, spec, $"{prefix}.norms", layers, spec.NormsPerLayer * (long)spec.HiddenSize,
            $"{spec.NormsPerLayer} norms × hidden {spec.HiddenSize}");

        if (denseLayers > 0)
            AddMlp(into, spec, $"{prefix}.mlp", denseLayers, spec.FfnSize);
        if (moeLayers > 0 && spec.Moe is { } moe)
            AddExperts(into, spec, moe, $"{prefix}.moe", moeLayers);
    }

    private static void AddAttention(List<ParameterComponent> into, ModelSpec spec, string prefix, int layers)
    {
        long h = spec.HiddenSize, hd = spec.EffectiveHeadDim;
        long qWidth = spec.AttentionHeads * hd;
        bool qkvBias = spec.Biases.Qkv;
        // A gated attention's query projection also yields the output gate: twice the width.
        into.Add(Linear($"{prefix}.attention.q", ParameterCategory.Attention, layers, h, spec.AttentionOutputGate ? 2 * qWidth : qWidth, qkvBias,
            $"heads {spec.AttentionHeads} × head_dim {hd}" + (spec.AttentionOutputGate ? " × 2 (query and output gate)" : "")));
        // k and v are as wide as the layer's KV heads. Layers with equal counts form one component (in order of first
        // appearance) so the breakdown stays short; a uniform model keeps its single, unsuffixed k and v components.
        var kvGroups = KeyValueHeadGroups(spec, prefix, layers);
        foreach (var (kvHeads, count) in kvGroups)
        {
            long kvWidth = kvHeads * hd;
            string suffix = kvGroups.Count == 1 ? "" : $" ({kvHeads} kv heads)";
            into.Add(Linear($"{prefix}.attention.k{suffix}", ParameterCategory.Attention, count, h, kvWidth, qkvBias,
                $"kv_heads {kvHeads} × head_dim {hd}"));
            into.Add(Linear($"{prefix}.attention.v{suffix}", ParameterCategory.Attention, count, h, kvWidth, qkvBias,
                $"kv_heads {kvHeads} × head_dim {hd}"));
        }
        into.Add(Linear($"{prefix}.attention.o", ParameterCategory.Attention, layers, qWidth, h, spec.Biases.AttentionOutput, null));

        switch (spec.QkNorm)
        {
            case QkNormKind.PerHead:
                AddNorm(into, spec, $"{prefix}.attention.qk_norm", layers, 2 * hd, $"q and k norms × head_dim {hd}", ParameterCategory.Attention);
                break;
            case QkNormKind.FullWidth:
                // OLMo-2's k norm spans all of the layer's key heads, so it follows the per-layer count too.
                foreach (var (kvHeads, count) in kvGroups)
                {
                    long kvWidth = kvHeads * hd;
                    AddNorm(into, spec, $"{prefix}.attention.qk_norm{(kvGroups.Count == 1 ? "" : $" ({kvHeads} kv heads)")}", count,
                        qWidth + kvWidth, $"q width {qWidth} + k width {kvWidth}", ParameterCategory.Attention);
                }
                break;
        }
        if (spec.AttentionSinks)
            into.Add(Dense($"{prefix}.attention.sinks", ParameterCategory.Attention, layers, spec.AttentionHeads, $"heads = {spec.AttentionHeads}"));
    }

    /// <summary>
    /// The main layers' KV head counts as (heads, layers) pairs in order of first appearance. Only the main stack
    /// (<c>layers</c>) has per-layer counts; extra layers (multi-token prediction) use <see cref="ModelSpec.EffectiveKeyValueHeads"/>.
    /// </summary>
    private static List<(int KvHeads, int Layers)> KeyValueHeadGroups(ModelSpec spec, string prefix, int layers)
    {
        if (spec.KeyValueHeadsPerLayer is not { } perLayer || prefix != "layers")
            return [(spec.EffectiveKeyValueHeads, layers)];
        return perLayer.Where((_, l) => spec.IsAttentionLayer(l)).GroupBy(kv => kv).Select(g => (g.Key, g.Count())).ToList();
    }

    /// <summary>
    /// The recurrent token mixers of a hybrid model (counted with attention: they take its place), as the transformers
    /// modelling code stores them:
    /// <list type="bullet">
    /// <item>Gated DeltaNet (Qwen3-Next <c>linear_attn</c>): in_proj_qkvz (queries and keys of groups × state each, values and
    /// the output gate z of inner each), in_proj_ba (β and α per value head), a bias-free depthwise conv1d over q, k and v,
    /// dt_bias and A_log per value head, a gated RMSNorm of one value head's size, out_proj;</item>
    /// <item>Mamba-2 (Granite-4.0-H <c>mamba</c>, Nemotron-H <c>mixer</c>): in_proj to z and x (inner each), B and C (groups × state
    /// each) and dt (heads), the conv1d over x, B and C with its bias, dt_bias, A_log and D per head, a gated RMSNorm over the
    /// inner width, out_proj;</item>
    /// <item>short convolution (LFM2 <c>conv</c>): in_proj to 3 × hidden (B, C and x), a depthwise conv1d over the hidden size, out_proj.</item>
    /// </list>
    /// </summary>
    private static void AddRecurrent(List<ParameterComponent> into, ModelSpec spec, RecurrentSpec r, string prefix, int layers)
    {
        long h = spec.HiddenSize, inner = r.InnerSize, bc = 2L * r.Groups * r.StateSize, heads = r.Heads;
        long channels = r.ConvChannels(spec.HiddenSize);
        string p = $"{prefix}.recurrent";
        bool projBias = r.ProjectionBias;
        switch (r.Kind)
        {
            case RecurrentKind.GatedDeltaNet:
                into.Add(Linear($"{p}.in_proj_qkvz", ParameterCategory.Attention, layers, h, bc + 2 * inner, projBias,
                    $"q and k: 2 × key heads {r.Groups} × key size {r.StateSize}; v and z: 2 × value heads {heads} × value size {r.HeadDim}"));
                into.Add(Linear($"{p}.in_proj_ba", ParameterCategory.Attention, layers, h, 2 * heads, false, $"β and α: 2 × value heads {heads}"));
                break;
            case RecurrentKind.Mamba2:
                into.Add(Linear($"{p}.in_proj", ParameterCategory.Attention, layers, h, 2 * inner + bc + heads, projBias,
                    $"z and x: 2 × inner {inner}; B and C: 2 × groups {r.Groups} × state {r.StateSize}; dt: heads {heads}"));
                break;
            default:
                into.Add(Linear($"{p}.in_proj", ParameterCategory.Attention, layers, h, 3 * h, projBias, $"B, C and x: 3 × hidden {h}"));
                break;
        }
        into.Add(Dense($"{p}.conv1d", ParameterCategory.Attention, layers, checked(channels * r.ConvKernel + (r.ConvBias ? channels : 0)),
            $"channels {channels} × kernel {r.ConvKernel}" + (r.ConvBias ? $" + bias {channels}" : "")));
        if (r.Kind != RecurrentKind.ShortConv)
        {
            int perHead = r.Kind == RecurrentKind.Mamba2 ? 3 : 2;
            into.Add(Dense($"{p}.per_head", ParameterCategory.Attention, layers, perHead * heads,
                $"{(perHead == 3 ? "dt_bias, A_log and D" : "dt_bias and A_log")}: {perHead} × heads {heads}"));
            long normWidth = r.Kind == RecurrentKind.Mamba2 ? inner : r.HeadDim;
            AddNorm(into, spec, $"{p}.norm", layers, normWidth,
                r.Kind == RecurrentKind.Mamba2 ? $"inner {inner} (gated RMSNorm)" : $"value head size {r.HeadDim} (gated RMSNorm, shared by the heads)",
                ParameterCategory.Attention);
        }
        long outWidth = r.Kind == RecurrentKind.ShortConv ? h : inner;
        into.Add(Linear($"{p}.out_proj", ParameterCategory.Attention, layers, outWidth, h, projBias, null));
    }

    private static void AddLatentAttention(List<ParameterComponent> into, ModelSpec spec, MlaSpec mla, string prefix, int layers)
    {
        long h = spec.HiddenSize, heads = spec.AttentionHeads;
        long qHead = mla.QkNopeHeadDim + mla.QkRopeHeadDim;
        if (mla.QLoraRank is { } qr)
        {
            into.Add(Linear($"{prefix}.attention.q_a", ParameterCategory.Attention, layers, h, qr, spec.Biases.Qkv, "q_lora_rank"));
            AddNorm(into, spec, $"{prefix}.attention.q_a_norm", layers, qr, $"q_lora_rank {qr}", ParameterCategory.Attention);
            into.Add(Linear($"{prefix}.attention.q_b", ParameterCategory.Attention, layers, qr, heads * qHead, false,
                $"heads {heads} × (nope {mla.QkNopeHeadDim} + rope {mla.QkRopeHeadDim})"));
        }
        else
        {
            into.Add(Linear($"{prefix}.attention.q", ParameterCategory.Attention, layers, h, heads * qHead, false,
                $"heads {heads} × (nope {mla.QkNopeHeadDim} + rope {mla.QkRopeHeadDim})"));
        }
        // transformers' DeepSeek attention gives the two down-projections a bias when attention_bias is set.
        into.Add(Linear($"{prefix}.attention.kv_a", ParameterCategory.Attention, layers, h, mla.KvLoraRank + mla.QkRopeHeadDim, spec.Biases.Qkv,
            $"kv_lora_rank {mla.KvLoraRank} + rope {mla.QkRopeHeadDim}"));
        AddNorm(into, spec, $"{prefix}.attention.kv_a_norm", layers, mla.KvLoraRank, $"kv_lora_rank {mla.KvLoraRank}", ParameterCategory.Attention);
        into.Add(Linear($"{prefix}.attention.kv_b", ParameterCategory.Attention, layers, mla.KvLoraRank, heads * (mla.QkNopeHeadDim + mla.VHeadDim), false,
            $"heads {heads} × (nope {mla.QkNopeHeadDim} + v {mla.VHeadDim})"));
        into.Add(Linear($"{prefix}.attention.o", ParameterCategory.Attention, layers, heads * mla.VHeadDim, h, spec.Biases.AttentionOutput,
            $"heads {heads} × v {mla.VHeadDim}"));
    }

    private static void AddMlp(List<ParameterComponent> into, ModelSpec spec, string prefix, int layers, long ffn)
    {
        long h = spec.HiddenSize;
        bool bias = spec.Biases.Mlp;
        if (spec.Mlp == MlpKind.Gated)
            into.Add(Linear($"{prefix}.gate", ParameterCategory.Mlp, layers, h, ffn, bias, "ffn"));
        into.Add(Linear($"{prefix}.up", ParameterCategory.Mlp, layers, h, ffn, bias, "ffn"));
        into.Add(Linear($"{prefix}.down", ParameterCategory.Mlp, layers, ffn, h, bias, null));
    }

    private static void AddExperts(List<ParameterComponent> into, ModelSpec spec, MoeSpec moe, string prefix, int layers)
    {
        long h = spec.HiddenSize, e = moe.RoutedExperts;
        long routerPerLayer = h * e + (moe.RouterBias ? e : 0) + (moe.RouterScoreCorrectionBias ? e : 0);
        into.Add(Dense($"{prefix}.router", ParameterCategory.Mlp, layers, routerPerLayer,
            $"hidden × experts = {h} × {e}" + (moe.RouterBias ? $" + bias {e}" : "") + (moe.RouterScoreCorrectionBias ? $" + score-correction bias {e}" : "")));

        long perExpert = ExpertParameters(spec, moe.ExpertFfnSize);
        into.Add(new ParameterComponent($"{prefix}.routed_experts", ParameterCategory.Mlp, layers,
            checked(e * perExpert), checked(moe.ExpertsPerToken * perExpert),
            $"experts {e} × {ExpertFormula(spec, moe.ExpertFfnSize)} = {e} × {perExpert} (a token uses {moe.ExpertsPerToken})"));

        if (moe.SharedExperts > 0)
        {
            long sharedFfn = moe.SharedExpertFfnSize ?? moe.ExpertFfnSize;
            long perShared = ExpertParameters(spec, sharedFfn);
            into.Add(Dense($"{prefix}.shared_experts", ParameterCategory.Mlp, layers, checked(moe.SharedExperts * perShared),
                $"shared {moe.SharedExperts} × {ExpertFormula(spec, sharedFfn)}"));
            if (moe.SharedExpertGate)
                into.Add(Dense($"{prefix}.shared_expert_gate", ParameterCategory.Mlp, layers, h, $"hidden {h} × 1"));
        }
    }

    private static long ExpertParameters(ModelSpec spec, long ffn)
    {
        long h = spec.HiddenSize;
        int matrices = spec.Mlp == MlpKind.Gated ? 3 : 2;
        long bias = spec.Biases.Mlp ? (matrices - 1) * ffn + h : 0;
        return checked(matrices * h * ffn + bias);
    }

    private static string ExpertFormula(ModelSpec spec, long ffn)
    {
        int matrices = spec.Mlp == MlpKind.Gated ? 3 : 2;
        return $"({matrices} × hidden {spec.HiddenSize} × ffn {ffn}" + (spec.Biases.Mlp ? " + biases)" : ")");
    }

    private static ParameterComponent Linear(string name, ParameterCategory category, int instances, long input, long output, bool bias, string? outputMeaning)
    {
        long weights = checked(input * output);
        string formula = $"{input} × {output}" + (outputMeaning is null ? "" : $" ({outputMeaning})") + (bias ? $" + bias {output}" : "");
        return Dense(name, category, instances, checked(weights + (bias ? output : 0)), formula);
    }

    private static ParameterComponent Dense(string name, ParameterCategory category, int instances, long perInstance, string formula) =>
        new(name, category, instances, perInstance, perInstance, formula);

    private static void AddNorm(List<ParameterComponent> into, ModelSpec spec, string name, int instances, long width,
        string? meaning = null, ParameterCategory category = ParameterCategory.Norm)
    {
        int vectors = spec.Norm switch
        {
            NormKind.LayerNorm => 2,
            NormKind.NonParametric => 0,
            _ => 1,
        };
        if (vectors == 0)
            return;
        string what = spec.Norm == NormKind.LayerNorm ? "weight + bias" : "weight";
        into.Add(Dense(name, category, instances, checked(vectors * width), $"{what} × {meaning ?? $"hidden {width}"}"));
    }
}
