using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Inference.Transformers;

/// <summary>
/// Bytes of transformers' default KV cache, <c>DynamicCache(config=…)</c> (transformers 4.56 and later): one
/// <c>DynamicLayer</c> per full-attention layer holding [batch, kv_heads, seq, head_dim] keys and values, and one
/// <c>DynamicSlidingWindowLayer</c> per sliding-window layer (config <c>layer_types</c>, or every layer when the config has a
/// sliding_window but no layer_types) keeping only the last sliding_window − 1 tokens. Llama 4's chunked-attention layers get the
/// same layer class with <c>sliding_window = attention_chunk_size</c> (cache_utils.py <c>get_layer_types_and_kwargs</c>), so they
/// hold attention_chunk_size − 1 tokens. Each layer's tensors are as wide as its own KV heads (OpenELM's per-layer
/// <c>num_kv_heads</c>; <see cref="ModelSpec.KeyValueHeadsAt"/>), since every DynamicLayer stores whatever its attention module
/// returns; a layer without KV heads stores nothing.
/// </summary>
public static class DynamicCacheSize
{
    /// <summary>
    /// Bytes per KV element. DynamicCache stores keys and values in the model dtype, so null/<c>auto</c> is the model dtype and an
    /// explicit <c>bf16</c>/<c>f16</c>/<c>f32</c> must be as wide; transformers' quantized caches (quanto, HQQ) are opt-in and not modelled.
    /// </summary>
    public static int ElementBytes(string? kvType, int modelDtypeBytes)
    {
        int? bytes = (kvType?.Trim().ToLowerInvariant()) switch
        {
            null or "" or "auto" => modelDtypeBytes,
            "bf16" or "bfloat16" or "f16" or "fp16" or "float16" or "half" => 2,
            "f32" or "fp32" or "float32" or "float" => 4,
            _ => null,
        };
        if (bytes != modelDtypeBytes)
            throw new UsageException(
                $"transformers' DynamicCache stores keys and values in the model dtype ({modelDtypeBytes} B per element); '{kvType}' would need a quantized or re-cast cache, which LlmSizer does not model");
        return modelDtypeBytes;
    }

    /// <summary>
    /// Bytes one token takes in one layer for one sequence. Standard attention: 2 × kv_heads × head_dim × element bytes.
    /// MLA (DeepSeek-V2/V3 in transformers): the decompressed per-head keys (qk_nope + qk_rope) and values (v_head_dim) of every
    /// attention head, since transformers caches key_states and value_states after kv_b_proj.
    /// </summary>
    /// <remarks>With per-layer KV heads this is the widest layer's; <see cref="BytesPerTokenAt"/> gives each layer's.</remarks>
    public static long BytesPerTokenPerLayer(ModelSpec spec, int elementBytes) =>
        spec.Mla is { } mla
            ? (long)spec.AttentionHeads * (mla.QkNopeHeadDim + mla.QkRopeHeadDim + mla.VHeadDim) * elementBytes
            : 2L * spec.EffectiveKeyValueHeads * spec.EffectiveHeadDim * elementBytes;

    /// <summary>Tokens layer <paramref name="layer"/> holds after <paramref name="tokens"/> tokens: all of them, or sliding_window − 1 for a sliding layer.</summary>
    public static long TokensHeld(ModelSpec spec, int layer, long tokens) =>
        spec.IsSlidingLayer(layer) ? Math.Min(tokens, spec.SlidingWindow!.WindowTokens - 1L) : tokens;

    /// <summary>Bytes one token takes in layer <paramref name="layer"/> for one sequence: 2 × the layer's KV heads × head_dim × element bytes.</summary>
    public static long BytesPerTokenAt(ModelSpec spec, int layer, int elementBytes) =>
        spec.Mla is not null
            ? BytesPerTokenPerLayer(spec, elementBytes)
            : 2L * spec.KeyValueHeadsAt(layer) * spec.EffectiveHeadDim * elementBytes;

    /// <summary>Bytes of the cache for <paramref name="batch"/> sequences of <paramref name="tokens"/> tokens: Σ over layers of tokens held × the layer's bytes per token.</summary>
    public static long Bytes(ModelSpec spec, int batch, long tokens, int elementBytes)
    {
        // A hybrid's recurrent layers cache no keys and values (their BytesPerTokenAt is 0): sum layer by layer.
        if ((!spec.HasPerLayerKeyValueHeads && spec.Recurrent is null) || spec.Mla is not null)
        {
            long perToken = BytesPerTokenPerLayer(spec, elementBytes);
            long held = Enumerable.Range(0, spec.Layers).Sum(l => TokensHeld(spec, l, tokens));
            return checked(batch * held * perToken);
        }
        long perSequence = 0;
        for (int l = 0; l < spec.Layers; l++)
            perSequence = checked(perSequence + TokensHeld(spec, l, tokens) * BytesPerTokenAt(spec, l, elementBytes));
        return checked(batch * perSequence);
    }

    /// <summary>
    /// Bytes of a hybrid model's recurrent-layer caches for <paramref name="batch"/> sequences, whatever the context: per recurrent
    /// layer a convolution state of the whole kernel window, [batch, channels, kernel], in the model dtype (transformers keeps the
    /// last <c>conv_kernel</c> inputs, one more than llama.cpp and vLLM), and the state matrix — Gated DeltaNet's [batch, value heads,
    /// key size, value size] in float32 (modeling_qwen3_next.py: the delta rule runs in float32 and returns its final state so),
    /// Mamba-2's [batch, heads, head_dim, d_state] in the model dtype (HybridMambaAttentionDynamicCache); short convolutions keep none.
    /// </summary>
    public static long RecurrentStateBytes(ModelSpec spec, int batch, int elementBytes)
    {
        if (spec.Recurrent is not { } r)
            return 0;
        long conv = (long)r.ConvKernel * r.ConvChannels(spec.HiddenSize) * elementBytes;
        long matrix = r.Kind switch
        {
            RecurrentKind.GatedDeltaNet => 4L * r.SsmStateValues,
            RecurrentKind.Mamba2 => (long)elementBytes * r.SsmStateValues,
            _ => 0,
        };
        return checked(batch * r.Count(LayerMixer.Recurrent) * (conv + matrix));
    }
}
