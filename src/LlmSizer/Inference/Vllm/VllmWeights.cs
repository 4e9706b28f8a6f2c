using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Models;

namespace LlmSizer.Inference.Vllm;

/// <summary>How vLLM places one checkpoint tensor across tensor-parallel ranks.</summary>
public enum VllmShard
{
    /// <summary>A full copy on every rank (norms, row-parallel biases, MoE routers, MLA down-projections).</summary>
    Replicated,
    /// <summary>Split evenly (column- and row-parallel linears, experts).</summary>
    Split,
    /// <summary>Rows split after padding the vocabulary to a multiple of 64 (<c>VocabParallelEmbedding</c>, <c>ParallelLMHead</c>).</summary>
    VocabParallel,
    /// <summary>Split by key/value head, one head per rank (replicated) when ranks outnumber KV heads.</summary>
    KeyValueHeads,
    /// <summary>A fused q/k/v projection: the query part split, the key/value part as <see cref="KeyValueHeads"/>.</summary>
    FusedQkv,
}

/// <summary>
/// The bytes vLLM allocates for weights on one GPU: each checkpoint tensor as tensor parallelism places it, plus the rotary
/// cos/sin cache it builds at load time. Their sum is what vLLM logs as "Model loading took … GiB".
/// </summary>
public static class VllmWeights
{
    /// <summary>vLLM pads vocabulary rows to a multiple of this (<c>DEFAULT_VOCAB_PADDING_SIZE</c>).</summary>
    public const int VocabPadding = 64;

    /// <summary>Bytes of <paramref name="weights"/> held by one of <paramref name="tensorParallel"/> ranks; buffers (rotary frequencies) are not loaded.</summary>
    public static long BytesPerRank(TensorInventory weights, ModelSpec spec, int tensorParallel)
    {
        long sum = 0;
        foreach (var t in weights.Tensors)
            if (t.Role != TensorRole.Buffer)
                sum = checked(sum + BytesPerRank(t, spec, tensorParallel));
        return sum;
    }

    /// <summary>Bytes of one tensor on one rank.</summary>
    public static long BytesPerRank(TensorInfo tensor, ModelSpec spec, int tensorParallel)
    {
        int tp = tensorParallel;
        // On one rank every rule but the vocabulary's padding gives the whole tensor (⌈b × n / n⌉ = b): skip reading its name.
        if (tp == 1 && tensor.Category is not (ParameterCategory.Embedding or ParameterCategory.LmHead))
            return tensor.Bytes;
        return ShardOf(tensor) switch
        {
            VllmShard.Replicated => tensor.Bytes,
            VllmShard.VocabParallel => VocabRowsBytes(tensor, spec, tp),
            VllmShard.KeyValueHeads => KeyValueBytes(tensor, spec, tp),
            VllmShard.FusedQkv => FusedQkvBytes(tensor.Bytes, spec, tp, KeyValueHeadsOf(tensor, spec)),
            _ => CeilDiv(tensor.Bytes, tp),
        };
    }

    /// <summary>
    /// Key/value heads one rank holds: vLLM splits them evenly, and when ranks outnumber them gives each rank one
    /// (so each head is replicated on tensor-parallel / kv_heads ranks).
    /// </summary>
    public static int KeyValueHeadsPerRank(ModelSpec spec, int tensorParallel) =>
        KeyValueHeadsPerRank(spec.EffectiveKeyValueHeads, tensorParallel);

    /// <summary>
    /// Key/value heads one rank holds in layer <paramref name="layer"/>, from the layer's own count
    /// (<see cref="ModelSpec.KeyValueHeadsAt"/>); 0 for a layer without KV heads.
    /// </summary>
    public static int KeyValueHeadsPerRank(ModelSpec spec, int tensorParallel, int layer) =>
        KeyValueHeadsPerRank(spec.KeyValueHeadsAt(layer), tensorParallel);

    private static int KeyValueHeadsPerRank(int kvHeads, int tensorParallel) =>
        kvHeads == 0 ? 0 : Math.Max(1, kvHeads / tensorParallel);

    /// <summary>
    /// vLLM's rotary cos/sin cache: one <c>[max_position, rotary_dim]</c> table (cos and sin halves side by side), cast to the
    /// model dtype and shared by all layers, on every rank. 0 for models without rotary positions.
    /// </summary>
    public static long RotaryCacheBytes(ModelSpec spec, int dtypeBytes) =>
        spec.Positions == PositionEncoding.Rotary ? (long)spec.MaxContextTokens * RotaryDim(spec) * dtypeBytes : 0;

    /// <summary>Rotary dimensions per head: the decoupled rope part for MLA, else the partial rotary width where the spec has one, else the whole head.</summary>
    public static int RotaryDim(ModelSpec spec) => spec.Mla?.QkRopeHeadDim ?? spec.RotaryDimensions ?? spec.EffectiveHeadDim;

    /// <summary>Vocabulary rows after vLLM's padding to a multiple of 64.</summary>
    public static long PaddedVocab(long vocab) => CeilDiv(vocab, VocabPadding) * VocabPadding;

    /// <summary>
    /// Refuses what vLLM refuses: attention heads not divisible by the ranks, KV heads neither a multiple nor a divisor of
    /// them, a padded vocabulary the ranks cannot split.
    /// </summary>
    public static void ValidateTensorParallel(ModelSpec spec, int tensorParallel)
    {
        int tp = tensorParallel;
        if (tp < 1)
            throw new UsageException($"tensor parallel size must be at least 1, got {tp}");
        if (spec.AttentionHeads % tp != 0)
            throw new UsageException($"vLLM needs the {spec.AttentionHeads} attention heads to be divisible by tensor parallel size {tp}");
        // vLLM's QKVParallelLinear checks each layer's own count; with per-layer KV heads every distinct nonzero count must pass.
        var counts = spec.KeyValueHeadsPerLayer is { } perLayer ? perLayer.Where(k => k > 0).Distinct() : [spec.EffectiveKeyValueHeads];
        foreach (int kv in counts)
            if (spec.Mla is null && (kv >= tp ? kv % tp != 0 : tp % kv != 0))
                throw new UsageException($"vLLM needs the {kv} key/value heads{(spec.HasPerLayerKeyValueHeads ? " of some layers" : "")} to divide, or be a multiple of, tensor parallel size {tp}");
        long padded = PaddedVocab(spec.VocabSize);
        if (padded % tp != 0)
            throw new UsageException($"vLLM splits the vocabulary padded to {padded} rows across ranks; it is not divisible by tensor parallel size {tp}");
    }

    /// <summary>Which rule places <paramref name="tensor"/>, from its name and category (Hugging Face or GGUF names).</summary>
    public static VllmShard ShardOf(TensorInfo tensor)
    {
        // Norms and the like stay whole whatever their name says: decided before any work on the name.
        if (tensor.Category is ParameterCategory.Norm or ParameterCategory.Other)
            return VllmShard.Replicated;
        string name = tensor.Name.AsSpan().ContainsAnyInRange('A', 'Z') ? tensor.Name.ToLowerInvariant() : tensor.Name;
        var module = ModuleLeaf(name);
        bool bias = name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith("_bias", StringComparison.Ordinal);
        switch (tensor.Category)
        {
            case ParameterCategory.Norm:
            case ParameterCategory.Other:
                return VllmShard.Replicated;
            case ParameterCategory.Embedding:
            case ParameterCategory.LmHead:
                // Learned position tables are small and kept whole; token embeddings and the head are vocab-parallel.
                return module is "wpe" or "position_embd" or "embed_positions" ? VllmShard.Replicated : VllmShard.VocabParallel;
            case ParameterCategory.Attention:
                if (module.Contains("norm", StringComparison.Ordinal))
                    return VllmShard.Replicated;
                // MLA's down-projections are ReplicatedLinear in vLLM's DeepSeek models.
                if (module is "q_a_proj" or "kv_a_proj_with_mqa" or "kv_a_proj" or "attn_q_a" or "attn_kv_a_mqa")
                    return VllmShard.Replicated;
                if (bias && module is "o_proj" or "out_proj" or "c_proj" or "dense" or "attn_output" or "wo")
                    return VllmShard.Replicated;
                if (module is "k_proj" or "v_proj" or "attn_k" or "attn_v")
                    return VllmShard.KeyValueHeads;
                if (module is "qkv_proj" or "c_attn" or "query_key_value" or "attn_qkv" or "w_pack" or "wqkv")
                    return VllmShard.FusedQkv;
                return VllmShard.Split;
            case ParameterCategory.Mlp:
                if (module is "gate" or "router" or "ffn_gate_inp" or "ffn_gate_inp_shexp" or "shared_expert_gate"
                    || name.Contains("e_score_correction_bias", StringComparison.Ordinal) || module is "exp_probs_b")
                    return VllmShard.Replicated;
                // Row-parallel biases are added once after the all-reduce, so every rank keeps the whole vector.
                if (bias && (module is "down_proj" or "fc2" or "c_proj" or "dense_4h_to_h" or "ffn_down" or "ffn_down_exps" or "w2"
                             || name.EndsWith("down_proj_bias", StringComparison.Ordinal)))
                    return VllmShard.Replicated;
                return VllmShard.Split;
            default:
                return VllmShard.Replicated;
        }
    }

    /// <summary>
    /// The module a parameter belongs to: the segment before the parameter suffixes (<c>…self_attn.k_proj.weight</c> → k_proj,
    /// <c>blk.3.attn_k.weight</c> → attn_k, <c>…k_proj.scales</c> → k_proj), or the last segment when the name has none
    /// (<c>…self_attn.sinks</c> → sinks).
    /// </summary>
    private static ReadOnlySpan<char> ModuleLeaf(string name)
    {
        // Walks the dotted name from the end without splitting it: this runs for every tensor of every estimate.
        int end = name.Length;
        while (true)
        {
            int dot = name.LastIndexOf('.', end - 1);
            var segment = name.AsSpan(dot + 1, end - dot - 1);
            // bitsandbytes stacks several suffixes (weight.absmax, weight.quant_state.bitsandbytes__nf4): skip them all.
            if (dot < 0 || !IsParameterSuffix(segment))
                return segment;
            end = dot;
        }
    }

    private static bool IsParameterSuffix(ReadOnlySpan<char> segment) =>
        segment is "weight" or "bias" or "scales" or "qweight" or "qzeros" or "g_idx" or "weight_scale" or "weight_scale_inv"
            or "input_scale" or "weight_packed" or "weight_zero_point" or "weight_shape" or "weight_global_scale"
            or "input_global_scale" or "scb" or "weight_format" or "absmax" or "quant_map" or "nested_absmax" or "nested_quant_map"
        || segment.StartsWith("quant_state", StringComparison.Ordinal)
        || segment.Contains("bitsandbytes", StringComparison.Ordinal);

    private static long VocabRowsBytes(TensorInfo tensor, ModelSpec spec, int tp)
    {
        // The vocabulary dimension is the one equal to the vocabulary size (shapes may list it first or last).
        long rows = tensor.Shape.Contains(spec.VocabSize) ? spec.VocabSize : tensor.Shape.DefaultIfEmpty(0).Max();
        if (rows <= 0 || tensor.Bytes % rows != 0)
            return CeilDiv(tensor.Bytes, tp);
        // vLLM allocates the padded rows, then each rank takes an equal slice of them.
        return tensor.Bytes / rows * (PaddedVocab(rows) / tp);
    }

    private static long FusedQkvBytes(long bytes, ModelSpec spec, int tp, int kv)
    {
        long heads = spec.AttentionHeads;
        long perRank = heads / tp + 2L * KeyValueHeadsPerRank(kv, tp);
        return CeilDiv(bytes * perRank, heads + 2L * kv);
    }

    /// <summary>A k or v projection's bytes on one rank: the rank's share of its layer's KV heads.</summary>
    private static long KeyValueBytes(TensorInfo tensor, ModelSpec spec, int tp)
    {
        int kv = KeyValueHeadsOf(tensor, spec);
        return kv == 0 ? CeilDiv(tensor.Bytes, tp) : CeilDiv(tensor.Bytes * KeyValueHeadsPerRank(kv, tp), kv);
    }

    /// <summary>
    /// The KV heads of the layer <paramref name="tensor"/> belongs to: with per-layer counts, the layer is the first all-digit
    /// segment of the name (<c>blk.3.attn_k.weight</c>, <c>model.layers.3.self_attn.k_proj.weight</c>); otherwise, or when the
    /// name has none, the model's single count.
    /// </summary>
    private static int KeyValueHeadsOf(TensorInfo tensor, ModelSpec spec)
    {
        if (spec.KeyValueHeadsPerLayer is not { } perLayer)
            return spec.EffectiveKeyValueHeads;
        foreach (var range in tensor.Name.AsSpan().Split('.'))
        {
            var part = tensor.Name.AsSpan()[range];
            if (part.Length > 0 && !part.ContainsAnyExceptInRange('0', '9') && int.TryParse(part, out int layer))
                return layer < perLayer.Length ? perLayer[layer] : spec.EffectiveKeyValueHeads;
        }
        return spec.EffectiveKeyValueHeads;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
