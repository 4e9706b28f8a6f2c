using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Training.Time;

/// <summary>
/// FLOPs of training a decoder-only transformer. A weight used in a matrix product costs 2 FLOPs per token forward and 4
/// backward (input and weight gradients): 6 per parameter per token (Kaplan et al. 2020, §2.1; Hoffmann et al. 2022).
/// Attention's score and value products have no weights, so they are added from the sequence length (PaLM, Chowdhery et al.
/// 2022, appendix B: 6N + 12·L·H·Q·T per token; Narayanan et al. 2021, eq. 3).
/// </summary>
public static class TrainingFlops
{
    /// <summary>C = 6·N·D: the usual training-compute rule (Kaplan et al. 2020; Hoffmann et al. 2022; EleutherAI's Transformer Math 101).</summary>
    public static double SixND(long parameters, double tokens)
    {
        RequirePositive(parameters, nameof(parameters));
        RequireTokens(tokens);
        return 6.0 * parameters * tokens;
    }

    /// <summary>Compute-optimal training tokens for a model of <paramref name="parameters"/> parameters: 20 per parameter (Hoffmann et al. 2022).</summary>
    public static double ChinchillaTokens(long parameters)
    {
        RequirePositive(parameters, nameof(parameters));
        return 20.0 * parameters;
    }

    /// <summary>
    /// Model and hardware FLOPs of training <paramref name="spec"/> on <paramref name="tokens"/> tokens in sequences of
    /// <paramref name="sequenceTokens"/>. Per token:
    /// <list type="bullet">
    /// <item>6 × the matrix parameters a token passes through: attention (or recurrent mixer) and MLP weights, the active
    /// experts only for MoE, and the LM head (the embedding matrix again when tied); not the embedding lookup, norms or the
    /// multi-token-prediction module;</item>
    /// <item>3 × the forward attention products, 2·k·H·(d_qk + d_v) per attending layer: H query heads (GQA and MQA shrink
    /// K and V, not the scores), d_qk and d_v the query/key and value head sizes (MLA: nope + rope and v), and k keys per query:
    /// the sequence, or the window on sliding-window and chunked layers. The whole score matrix is counted, causal mask
    /// ignored, as PaLM and Narayanan do; for plain MHA this is PaLM's 12·L·H·Q·T.</item>
    /// </list>
    /// With <paramref name="fullRecompute"/> the hardware FLOPs add one forward of the layers (2 × layer matrix parameters + the
    /// forward attention products); the LM head is not recomputed, which gives Narayanan's 96·B·s·L·h²(1 + s/(6h) + V/(16Lh)).
    /// </summary>
    public static TrainingCompute Narayanan(ModelSpec spec, double tokens, int sequenceTokens, bool fullRecompute)
    {
        RequireTokens(tokens);
        if (sequenceTokens < 1)
            throw new UsageException($"training FLOPs: sequenceTokens must be at least 1, got {sequenceTokens}");

        var active = ParameterCounter.Count(spec).ActiveBreakdown;
        long embeddingWidth = spec.EmbeddingProjectionSize ?? spec.HiddenSize;
        double layerMatmul = active.Attention + active.Mlp;
        double outsideLayers = active.LmHead + active.Other + (spec.TiedEmbeddings ? (double)spec.VocabSize * embeddingWidth : 0);
        double attentionForward = AttentionForwardFlopsPerToken(spec, sequenceTokens);

        double modelPerToken = 6 * (layerMatmul + outsideLayers) + 3 * attentionForward;
        double recomputePerToken = fullRecompute ? 2 * layerMatmul + attentionForward : 0;
        double hardwarePerToken = modelPerToken + recomputePerToken;
        string formula =
            FormattableString.Invariant($"per token: 6 × {layerMatmul + outsideLayers:N0} matrix parameters ({layerMatmul:N0} in layers, {outsideLayers:N0} LM head and projections) ") +
            FormattableString.Invariant($"+ 3 × {attentionForward:N0} attention-score FLOPs at {sequenceTokens} tokens = {modelPerToken:0.####e+0} model FLOPs") +
            (fullRecompute
                ? FormattableString.Invariant($"; full recompute adds one forward of the layers (2 × {layerMatmul:N0} + {attentionForward:N0}), giving {hardwarePerToken:0.####e+0} hardware FLOPs")
                : "") +
            FormattableString.Invariant($"; × {tokens:0.###e+0} tokens");
        return new TrainingCompute(modelPerToken * tokens, hardwarePerToken * tokens, formula);
    }

    /// <summary>Forward FLOPs of the score (QKᵀ) and value (softmax·V) products for one token, summed over the attending layers.</summary>
    private static double AttentionForwardFlopsPerToken(ModelSpec spec, int sequenceTokens)
    {
        double queryKeyDim, valueDim;
        if (spec.Mla is { } mla)
            (queryKeyDim, valueDim) = (mla.QkNopeHeadDim + mla.QkRopeHeadDim, mla.VHeadDim);
        else
            queryKeyDim = valueDim = spec.EffectiveHeadDim;

        double total = 0;
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            // A layer without keys and values (a hybrid's recurrent layer, a per-layer count of 0) has no score matrix.
            if (spec.KeyValueHeadsAt(layer) == 0)
                continue;
            int keys = spec.IsSlidingLayer(layer) ? Math.Min(sequenceTokens, spec.SlidingWindow!.WindowTokens) : sequenceTokens;
            total += 2.0 * keys * spec.AttentionHeads * (queryKeyDim + valueDim);
        }
        return total;
    }

    private static void RequirePositive(long parameters, string name)
    {
        if (parameters < 1)
            throw new UsageException($"training FLOPs: {name} must be at least 1, got {parameters}");
    }

    private static void RequireTokens(double tokens)
    {
        if (!double.IsFinite(tokens) || tokens < 0)
            throw new UsageException($"training FLOPs: tokens must be a finite count of at least 0, got {tokens.ToString(CultureInfo.InvariantCulture)}");
    }
}
