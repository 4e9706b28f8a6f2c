using LlmSizer.Models;

namespace LlmSizer.Inference.Transformers;

/// <summary>
/// The parts of transformers' activation peak during a prefill of <see cref="Tokens"/> tokens for <see cref="Batch"/>
/// sequences, in bytes. Under <c>torch.no_grad</c> only one layer's temporaries live at a time.
/// </summary>
/// <param name="Layer">One decoder layer's working set: batch × tokens × per-token elements × dtype bytes.</param>
/// <param name="AttentionScores">Eager attention only: batch × heads × tokens² × 8 B (scores and masked scores in the dtype, FP32 softmax, its cast back).</param>
/// <param name="Masks">Eager attention only: the 4-D float causal mask(s), batch × tokens² × dtype bytes each (one more for sliding-window layers).</param>
/// <param name="LogitsStage">After the last layer: final hidden states and their norm (2 × batch × tokens × hidden × dtype bytes) plus the logits.</param>
/// <param name="Logits">The logits: generate keeps the last position (batch × vocab × (dtype + 4) B with generate's FP32 copy); a forward pass all positions.</param>
/// <param name="PerTokenElements">Elements per token in <see cref="Layer"/>.</param>
public sealed record TransformersActivationPeak(
    long Layer,
    long AttentionScores,
    long Masks,
    long LogitsStage,
    long Logits,
    long PerTokenElements,
    int Batch,
    long Tokens)
{
    /// <summary>max(layer + scores + masks, logits stage).</summary>
    public long Bytes => Math.Max(Layer + AttentionScores + Masks, LogitsStage);
}

/// <summary>
/// A closed form for the activation peak of a transformers forward pass (modeling_llama-style decoders): residual stream,
/// norm output, the layer input and the embeddings held by the caller (4 × hidden per token), plus the larger of the MLP
/// temporaries (gate/up/product: 3 × ffn, or 2 × ffn for plain MLPs; for MoE one expert's 3 × expert_ffn plus the
/// accumulator and router logits, assuming the worst case that an expert gets every token) and the attention temporaries
/// (queries, keys, values, their rotated copies and the output).
/// </summary>
public static class TransformersActivation
{
    /// <summary>Bytes per attention-score element in eager attention at the peak: dtype scores + dtype masked scores + FP32 softmax, or its cast back.</summary>
    public const int EagerScoreBytes = 8;

    /// <summary>The peak for <paramref name="batch"/> sequences of <paramref name="tokens"/> prompt tokens.</summary>
    public static TransformersActivationPeak Prefill(ModelSpec spec, int batch, long tokens, int dtypeBytes,
        TransformersAttention attention, TransformersRun run, bool doSample)
    {
        long h = spec.HiddenSize;
        long perToken = 4 * h + Math.Max(MlpElements(spec), AttentionElements(spec, attention));
        long layer = batch * tokens * perToken * dtypeBytes;
        long scores = 0, masks = 0;
        if (attention == TransformersAttention.Eager)
        {
            scores = checked((long)batch * spec.AttentionHeads * tokens * tokens * EagerScoreBytes);
            int maskCount = spec.SlidingWindow is null ? 1 : 2;
            masks = checked(maskCount * batch * tokens * tokens * dtypeBytes);
        }
        long vocab = spec.VocabSize;
        long logits = run == TransformersRun.Generate
            ? batch * vocab * (dtypeBytes + 4 + (doSample ? 16 : 0))
            : checked(batch * tokens * vocab * dtypeBytes);
        long logitsStage = 2 * batch * tokens * h * dtypeBytes + logits;
        return new TransformersActivationPeak(layer, scores, masks, logitsStage, logits, perToken, batch, tokens);
    }

    private static long MlpElements(ModelSpec spec)
    {
        int factor = spec.Mlp == MlpKind.Gated ? 3 : 2;
        if (spec.Moe is not { } moe)
            return factor * spec.FfnSize;
        long dense = Enumerable.Range(0, spec.Layers).Any(l => !spec.IsMoeLayer(l)) ? factor * spec.FfnSize : 0;
        long shared = moe.SharedExperts * (moe.SharedExpertFfnSize ?? moe.ExpertFfnSize) * factor;
        long routed = factor * moe.ExpertFfnSize + spec.HiddenSize + moe.RoutedExperts;
        return Math.Max(dense, shared + routed);
    }

    private static long AttentionElements(ModelSpec spec, TransformersAttention attention)
    {
        long heads = spec.AttentionHeads;
        if (spec.Mla is { } mla)
        {
            long qk = mla.QkNopeHeadDim + mla.QkRopeHeadDim;
            // q, the concatenated q and k, kv_b_proj's output and the attention output, plus the compressed kv.
            return heads * (3 * qk + mla.QkNopeHeadDim + 2L * mla.VHeadDim) + mla.KvLoraRank + mla.QkRopeHeadDim;
        }
        long hd = spec.EffectiveHeadDim, kv = spec.EffectiveKeyValueHeads;
        long elements = 3 * heads * hd + 3 * kv * hd;
        // Eager attention repeats keys and values to every query head (repeat_kv) before the matmul.
        if (attention == TransformersAttention.Eager && kv < heads)
            elements += 2 * heads * hd;
        return elements;
    }
}
