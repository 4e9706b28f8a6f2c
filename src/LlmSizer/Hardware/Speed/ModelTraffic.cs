using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Models;

namespace LlmSizer.Hardware.Speed;

/// <summary>
/// A model's weights arranged the way a forward pass reads them, computed once per model and weights file so that speed
/// estimates for many placements cost microseconds: the input layer (embedding lookups), each block (dense part and
/// routed experts apart), and the output layer (final norm and LM head). Bytes come from the tensors the engine loads,
/// exactly; parameters are the logical weights of matrix products, for FLOP counts.
/// </summary>
/// <param name="Spec">The architecture (heads, windows, MLA ranks) the attention terms need.</param>
/// <param name="Layers">One entry per block, in order.</param>
/// <param name="InputBytes">Embedding tables (token, position): stored bytes, kept on the host by llama.cpp.</param>
/// <param name="InputBytesPerToken">What a token's lookups read: one row of each table.</param>
/// <param name="TokenEmbeddingBytes">The token-embedding matrix alone (part of <paramref name="InputBytes"/>).</param>
/// <param name="OutputBytes">Stored output-layer tensors: final norm and LM head.</param>
/// <param name="OutputParameters">Matrix-product parameters of the LM head (the embedding matrix's when tied).</param>
/// <param name="TiedOutput">The LM head is the token-embedding matrix (no separate tensor stored): logits read all of it.</param>
/// <param name="WeightsType">The stored type of most parameters (<c>Q4_0</c>, <c>Q4_K</c>, <c>BF16</c>, <c>F8_E4M3</c>): it decides the compute roof.</param>
public sealed record ModelTraffic(
    ModelSpec Spec,
    IReadOnlyList<LayerTraffic> Layers,
    long InputBytes,
    long InputBytesPerToken,
    long TokenEmbeddingBytes,
    long OutputBytes,
    long OutputParameters,
    bool TiedOutput,
    string WeightsType)
{
    /// <summary>Every stored weight byte.</summary>
    public long WeightBytes => InputBytes + Layers.Sum(l => l.DenseBytes + l.ExpertBytes) + OutputBytes;

    /// <summary>What computing one token's logits reads: the output layer, plus the whole embedding matrix when the head is tied.</summary>
    public long OutputReadBytes => OutputBytes + (TiedOutput ? TokenEmbeddingBytes : 0);

    /// <summary>Matrix-product parameters one token uses: every block's active share plus the LM head.</summary>
    public double ActiveParametersPerToken => Layers.Sum(l => l.ActiveParameters) + OutputParameters;

    /// <summary>
    /// Arranges <paramref name="weights"/> (GGUF names <c>blk.N.</c>, <c>token_embd</c>, <c>output</c>, <c>*_exps</c>; Hugging Face
    /// names <c>layers.N.</c>, <c>embed_tokens</c>, <c>lm_head</c>, <c>experts.M.</c>) by what a forward pass reads. Blocks past
    /// <see cref="ModelSpec.Layers"/> (DeepSeek-V3's multi-token-prediction layer) are not part of a normal step and are left out.
    /// </summary>
    public static ModelTraffic From(ModelSpec spec, TensorInventory weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int layers = spec.Layers;
        var dense = new long[layers];
        var denseParams = new long[layers];
        var experts = new long[layers];
        var expertParams = new long[layers];
        long inputBytes = 0, inputPerToken = 0, outputBytes = 0, outputParams = 0;
        TensorInfo? tokenEmbedding = null;
        bool hasHead = false;

        foreach (var t in weights.Tensors)
        {
            int? block = BlockOf(t.Name);
            if (block is null)
            {
                if (t.Category == ParameterCategory.Embedding)
                {
                    inputBytes += t.Bytes;
                    long rows = t.Shape.Count >= 2 ? Math.Max(1, t.Shape[0]) : 1;
                    inputPerToken += (t.Bytes + rows - 1) / rows;
                    if (t.Role == TensorRole.Weight && (tokenEmbedding is null || t.Parameters > tokenEmbedding.Parameters))
                        tokenEmbedding = t;
                    continue;
                }
                if (t.Category == ParameterCategory.LmHead)
                    hasHead = true;
                outputBytes += t.Bytes;
                if (IsMatmul(t))
                    outputParams += t.Parameters;
                continue;
            }
            if (block.Value >= layers)
                continue;
            int b = block.Value;
            if (IsRoutedExpert(t.Name))
            {
                experts[b] += t.Bytes;
                if (IsMatmul(t))
                    expertParams[b] += t.Parameters;
            }
            else
            {
                dense[b] += t.Bytes;
                if (IsMatmul(t))
                    denseParams[b] += t.Parameters;
            }
        }

        // A tied LM head multiplies by the whole token-embedding matrix: every row is read for every token's logits.
        bool tied = !hasHead && spec.TiedEmbeddings && tokenEmbedding is not null;
        if (tied)
            outputParams += tokenEmbedding!.Parameters;

        var result = new LayerTraffic[layers];
        for (int i = 0; i < layers; i++)
        {
            bool moe = experts[i] > 0;
            if (moe && spec.Moe is null)
                throw new UsageException($"block {i} stores routed-expert tensors but the architecture has no mixture-of-experts settings (experts, experts per token)");
            var (keys, values, flops) = Attention(spec, i);
            result[i] = new LayerTraffic(i, dense[i], denseParams[i], experts[i], expertParams[i],
                moe ? spec.Moe!.RoutedExperts : 0, moe ? spec.Moe!.ExpertsPerToken : 0,
                keys, values, flops, spec.IsSlidingLayer(i) && spec.SlidingWindow is { } w ? w.WindowTokens : null);
        }
        return new ModelTraffic(spec, result, inputBytes, inputPerToken, tokenEmbedding?.Bytes ?? 0, outputBytes, outputParams, tied,
            weights.ParametersByType.FirstOrDefault().Type ?? "");
    }

    /// <summary>
    /// Cached values per token (keys, values) and attention FLOPs per cached token for block <paramref name="layer"/>. MLA caches
    /// the latent (kv_lora_rank + rope dims) once, as llama.cpp and vLLM do, and attends in the latent space (absorbed weights):
    /// QKᵀ over kv_lora_rank + rope dims and AV over kv_lora_rank, per head.
    /// </summary>
    private static (long Keys, long Values, long Flops) Attention(ModelSpec spec, int layer)
    {
        long heads = spec.AttentionHeads;
        if (spec.Mla is { } mla)
        {
            long latent = mla.KvLoraRank + mla.QkRopeHeadDim;
            return (latent, 0, 2 * heads * (latent + mla.KvLoraRank));
        }
        long kvHeads = spec.KeyValueHeadsAt(layer);
        long d = spec.EffectiveHeadDim;
        return (kvHeads * d, kvHeads * d, kvHeads == 0 ? 0 : 2 * heads * (d + d));
    }

    /// <summary>A weight that enters a matrix product: 2-D or more, not a norm, not a lookup table.</summary>
    private static bool IsMatmul(TensorInfo t) =>
        t.Role == TensorRole.Weight && t.Shape.Count >= 2 && t.Category is not (ParameterCategory.Norm or ParameterCategory.Embedding);

    /// <summary>Routed (not shared) expert tensors: GGUF's stacked <c>*_exps</c>, Hugging Face's <c>experts.</c> modules.</summary>
    internal static bool IsRoutedExpert(string name) =>
        name.Contains("_exps", StringComparison.Ordinal)
        || (name.Contains(".experts.", StringComparison.Ordinal) && !name.Contains("shared_expert", StringComparison.Ordinal));

    /// <summary>The block index in <c>blk.N.</c>, <c>layers.N.</c>, <c>h.N.</c> or <c>blocks.N.</c>; null for tensors outside the blocks.</summary>
    internal static int? BlockOf(string name)
    {
        foreach (string prefix in BlockPrefixes)
        {
            int at = name.StartsWith(prefix, StringComparison.Ordinal) ? 0 : name.IndexOf("." + prefix, StringComparison.Ordinal) is var i and >= 0 ? i + 1 : -1;
            if (at < 0)
                continue;
            int start = at + prefix.Length, end = start;
            while (end < name.Length && char.IsAsciiDigit(name[end]))
                end++;
            if (end > start && end < name.Length && name[end] == '.' && int.TryParse(name.AsSpan(start, end - start), out int block))
                return block;
        }
        return null;
    }

    private static readonly string[] BlockPrefixes = ["blk.", "layers.", "h.", "blocks."];
}
