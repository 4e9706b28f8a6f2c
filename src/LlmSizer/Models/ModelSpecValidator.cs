namespace LlmSizer.Models;

/// <summary>
/// Rejects architectures that cannot exist: non-positive sizes, heads that do not divide the hidden size,
/// and values beyond generous caps (so that a typo such as 10^15 layers is an error, not an overflow).
/// </summary>
public static class ModelSpecValidator
{
    public const long MaxVocab = 100_000_000;
    public const int MaxHidden = 1 << 20;

    /// <summary>
    /// 2,048 layers: twice the deepest Transformer published (DeepNet, Wang et al. 2022, 1,000 layers; LLMs stop near
    /// 126). Every layer adds its tensors to predicted layouts, so 10,000 (the earlier cap) let a 376-byte config.json
    /// found by the fuzzer make a transformers estimate allocate 73 MB.
    /// </summary>
    public const int MaxLayers = 2048;
    public const int MaxHeads = 1 << 16;
    public const long MaxFfn = 1L << 26;
    public const int MaxExperts = 1 << 16;

    /// <summary>Field names the recurrent sizes are reported under (Gated DeltaNet's and Mamba-2's config names).</summary>
    public const string SsmHeadsField = "ssm heads (linear_num_value_heads / mamba_n_heads)",
        SsmHeadDimField = "ssm head_dim (linear_value_head_dim / mamba_d_head)",
        SsmStateField = "ssm state_size (linear_key_head_dim / mamba_d_state)",
        SsmGroupsField = "ssm groups (linear_num_key_heads / mamba_n_groups)",
        ConvKernelField = "conv_kernel",
        LayerPatternField = "layer pattern";

    public static void Validate(ModelSpec spec)
    {
        Range("vocab_size", spec.VocabSize, 1, MaxVocab);
        Range("hidden_size", spec.HiddenSize, 1, MaxHidden);
        Range("num_hidden_layers", spec.Layers, 1, MaxLayers);
        Range("num_attention_heads", spec.AttentionHeads, 1, MaxHeads);
        Range("intermediate_size", spec.FfnSize, spec.Moe is null ? 1 : 0, MaxFfn);
        // Checked before the single count, which defaults to the per-layer maximum, so that a bad entry is reported by its layer.
        if (spec.KeyValueHeadsPerLayer is { } perLayer)
            ValidatePerLayerKeyValueHeads(spec, perLayer);
        Range("num_key_value_heads", spec.EffectiveKeyValueHeads, 1, spec.AttentionHeads);
        if (spec.AttentionHeads % spec.EffectiveKeyValueHeads != 0)
            throw new ModelSpecException("num_key_value_heads",
                $"expected a divisor of num_attention_heads ({spec.AttentionHeads}), found {spec.EffectiveKeyValueHeads}");
        if (spec.HeadDim is { } hd)
            Range("head_dim", hd, 1, MaxHidden);
        else if (spec.Mla is null && spec.HiddenSize % spec.AttentionHeads != 0)
            throw new ModelSpecException("num_attention_heads",
                $"expected a divisor of hidden_size ({spec.HiddenSize}) since no head_dim is given, found {spec.AttentionHeads}");
        Range("norms per layer", spec.NormsPerLayer, 0, 8);
        if (spec.RotaryDimensions is { } rotary)
            Range("rotary dimensions (partial_rotary_factor × head_dim)", rotary, 1, spec.EffectiveHeadDim);
        Range("max_position_embeddings", spec.MaxContextTokens, 0, int.MaxValue);
        Range("learned positions", spec.LearnedPositions, 0, 100_000_000);
        if (spec.EmbeddingProjectionSize is { } proj)
            Range("word_embed_proj_dim", proj, 1, MaxHidden);
        Range("num_nextn_predict_layers", spec.MultiTokenPredictionLayers, 0, 64);

        if (spec.Moe is { } moe)
        {
            Range("num_experts", moe.RoutedExperts, 1, MaxExperts);
            Range("num_experts_per_tok", moe.ExpertsPerToken, 1, moe.RoutedExperts);
            Range("moe_intermediate_size", moe.ExpertFfnSize, 1, MaxFfn);
            Range("n_shared_experts", moe.SharedExperts, 0, MaxExperts);
            if (moe.SharedExpertFfnSize is { } s)
                Range("shared_expert_intermediate_size", s, 1, MaxFfn);
            Range("first_k_dense_replace", moe.FirstDenseLayers, 0, spec.Layers);
            Range("decoder_sparse_step", moe.LayerStep, 1, spec.Layers);
            if (spec.FfnSize == 0 && Enumerable.Range(0, spec.Layers).Any(l => !moe.IsMoeLayer(l)))
                throw new ModelSpecException("intermediate_size", "expected a positive size for the dense layers, found 0");
        }
        if (spec.Mla is { } mla)
        {
            if (mla.QLoraRank is { } qr)
                Range("q_lora_rank", qr, 1, MaxHidden);
            Range("kv_lora_rank", mla.KvLoraRank, 1, MaxHidden);
            Range("qk_nope_head_dim", mla.QkNopeHeadDim, 0, MaxHidden);
            Range("qk_rope_head_dim", mla.QkRopeHeadDim, 0, MaxHidden);
            Range("v_head_dim", mla.VHeadDim, 1, MaxHidden);
        }
        if (spec.SlidingWindow is { } w)
        {
            Range("sliding_window", w.WindowTokens, 1, int.MaxValue);
            Range("sliding window global-layer period", w.GlobalLayerPeriod, 0, spec.Layers);
        }
        if (spec.Recurrent is { } r)
            ValidateRecurrent(spec, r);
    }

    /// <summary>The recurrent layers' sizes and the layer pattern; field names are the Hugging Face ones where a config has one.</summary>
    private static void ValidateRecurrent(ModelSpec spec, RecurrentSpec r)
    {
        const string pattern = LayerPatternField;
        if (spec.Mla is not null)
            throw new ModelSpecException(pattern, "expected no recurrent layers with multi-head latent attention");
        if (r.LayerPattern.Length != spec.Layers)
            throw new ModelSpecException(pattern, $"expected one character per layer ({spec.Layers}), found {r.LayerPattern.Length}");
        int bad = r.LayerPattern.AsSpan().IndexOfAnyExcept("M*-");
        if (bad >= 0)
            throw new ModelSpecException(pattern, $"layer {bad}: expected M (recurrent), * (attention) or - (MLP only), found '{r.LayerPattern[bad]}'");
        if (!r.LayerPattern.Contains('M'))
            throw new ModelSpecException(pattern, "expected at least one recurrent layer (M); a model without one needs no recurrent description");
        Range(ConvKernelField, r.ConvKernel, 1, 1024);
        if (r.Kind == RecurrentKind.ShortConv)
            return;
        Range(SsmHeadsField, r.Heads, 1, MaxHeads);
        Range(SsmHeadDimField, r.HeadDim, 1, MaxHidden);
        Range(SsmStateField, r.StateSize, 1, MaxHidden);
        Range(SsmGroupsField, r.Groups, 1, r.Heads);
        if (r.Heads % r.Groups != 0)
            throw new ModelSpecException(SsmGroupsField,
                $"expected a divisor of the ssm heads ({r.Heads}), found {r.Groups}");
    }

    private static void ValidatePerLayerKeyValueHeads(ModelSpec spec, int[] perLayer)
    {
        const string field = "keyValueHeadsPerLayer";
        if (spec.Mla is not null)
            throw new ModelSpecException(field, "expected no per-layer key/value heads with multi-head latent attention, which caches one latent per layer");
        if (perLayer.Length != spec.Layers)
            throw new ModelSpecException(field, $"expected one value per layer ({spec.Layers}), found {perLayer.Length}");
        for (int i = 0; i < perLayer.Length; i++)
        {
            int kv = perLayer[i];
            if (kv < 0 || kv > spec.AttentionHeads)
                throw new ModelSpecException(field, $"layer {i}: expected an integer from 0 to num_attention_heads ({spec.AttentionHeads}), found {kv}");
            // Grouped-query attention shares each KV head among heads / kv query heads, so the count must divide the heads.
            if (kv > 0 && spec.AttentionHeads % kv != 0)
                throw new ModelSpecException(field, $"layer {i}: expected 0 or a divisor of num_attention_heads ({spec.AttentionHeads}), found {kv}");
        }
        int largest = perLayer.Max();
        if (largest == 0)
            throw new ModelSpecException(field, "expected at least one layer with key/value heads, found 0 in every layer");
        if (spec.KeyValueHeads is { } kvHeads && kvHeads != largest)
            throw new ModelSpecException("num_key_value_heads",
                $"expected the largest per-layer value ({largest}) when {field} is given, found {kvHeads}");
    }

    private static void Range(string field, long value, long min, long max)
    {
        if (value < min || value > max)
            throw new ModelSpecException(field, min == 1 && value <= 0
                ? $"expected a positive integer, found {value}"
                : $"expected an integer from {min} to {max}, found {value}");
    }
}
