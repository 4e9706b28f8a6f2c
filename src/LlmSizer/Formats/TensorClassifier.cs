using LlmSizer.Models;

namespace LlmSizer.Formats;

/// <summary>
/// Puts a tensor into a breakdown category from its name, for both llama.cpp's GGUF names
/// (<c>token_embd</c>, <c>blk.3.attn_q</c>, <c>blk.3.ffn_up_exps</c>) and the Hugging Face families' names
/// (<c>model.layers.3.self_attn.q_proj</c>, <c>transformer.h.3.attn.c_attn</c>, <c>gpt_neox.embed_in</c>).
/// Conventions match <see cref="ParameterCounter"/>: q/k norms and MLA norms are attention; routers and experts are MLP.
/// </summary>
public static class TensorClassifier
{
    private static readonly string[] Suffixes = [".weight", ".bias", "_weight", "_bias"];

    public static ParameterCategory Classify(string tensorName)
    {
        // Tensor names are ASCII and mostly lower case already: lowering only when needed and slicing spans keeps this
        // allocation-free for the hundreds of tensors every weights prediction classifies.
        string lowered = HasUpper(tensorName) ? tensorName.ToLowerInvariant() : tensorName;
        ReadOnlySpan<char> name = StripSuffix(lowered);
        ReadOnlySpan<char> last = name[(name.LastIndexOf('.') + 1)..];

        if (last is "project_in" or "project_out")
            return ParameterCategory.Other;
        // Recurrent token mixers take attention's place in hybrid models; their inner norms go with them.
        if (IsRecurrentMixer(name, last))
            return ParameterCategory.Attention;
        if (IsAttentionNorm(last))
            return ParameterCategory.Attention;
        if (IsNorm(last))
            return ParameterCategory.Norm;
        if (last is "token_embd" or "position_embd" or "wte" or "wpe" or "embed_tokens" or "embed_positions" or "embed_in"
            or "word_embeddings" or "tok_embeddings" or "embeddings")
            return ParameterCategory.Embedding;
        // DeepSeek-V3's multi-token-prediction layer keeps its own output matrix as shared_head.head.
        if (last is "head" && Has(name, "shared_head"))
            return ParameterCategory.LmHead;
        if (last is "lm_head" or "embed_out" or "output" && !Has(name, "layers.") && !Has(name, "blk.") && !Has(name, ".h."))
            return ParameterCategory.LmHead;
        if (Has(name, "attn") || Has(name, "attention") || last is "q_proj" or "k_proj" or "v_proj" or "o_proj" or "qkv_proj" or "sinks")
            return ParameterCategory.Attention;
        if (Has(name, "mlp") || Has(name, "ffn") || Has(name, "expert") || Has(name, "moe") || Has(name, "feed_forward")
            || last is "gate" or "router" or "fc1" or "fc2" or "exp_probs_b" or "w1" or "w2" or "w3")
            return ParameterCategory.Mlp;
        return ParameterCategory.Other;
    }

    private static bool Has(ReadOnlySpan<char> name, string part) => name.Contains(part, StringComparison.Ordinal);

    private static bool HasUpper(string s)
    {
        foreach (char c in s)
            if (char.IsUpper(c))
                return true;
        return false;
    }

    /// <summary>
    /// Tensors llama.cpp or PyTorch store that are not parameters: rotary frequencies (<c>rope_freqs</c>, Llama 3.1's
    /// scaling factors; <c>rope_factors_long/short</c>, Phi-3's LongRoPE factors; <c>inv_freq</c>), computed from the
    /// config rather than trained, and GPT-2's causal masks.
    /// </summary>
    public static bool IsBuffer(string tensorName)
    {
        string name = tensorName.ToLowerInvariant();
        return name is "rope_freqs.weight" or "rope_freqs"
            || name.StartsWith("rope_factors_", StringComparison.Ordinal)
            || name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
            || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
            || (name.EndsWith(".attn.bias", StringComparison.Ordinal) && !name.Contains("c_attn"));
    }

    private static ReadOnlySpan<char> StripSuffix(string name)
    {
        foreach (var s in Suffixes)
            if (name.EndsWith(s, StringComparison.Ordinal))
                return name.AsSpan(0, name.Length - s.Length);
        return name;
    }

    /// <summary>
    /// llama.cpp's <c>ssm_*</c> and <c>shortconv.*</c> tensors; transformers' <c>linear_attn.*</c> (Gated DeltaNet), <c>mamba.*</c>
    /// (Granite-4.0-H) and LFM2's <c>conv.*</c> modules.
    /// </summary>
    private static bool IsRecurrentMixer(ReadOnlySpan<char> name, ReadOnlySpan<char> last) =>
        last.StartsWith("ssm_", StringComparison.Ordinal) || Has(name, ".shortconv.") || Has(name, ".linear_attn.")
        || Has(name, ".mamba.") || Has(name, ".conv.");

    private static bool IsAttentionNorm(ReadOnlySpan<char> last) =>
        last is "q_norm" or "k_norm" or "attn_q_norm" or "attn_k_norm" or "q_a_layernorm" or "kv_a_layernorm"
            or "attn_q_a_norm" or "attn_kv_a_norm" or "q_layernorm" or "k_layernorm";

    private static bool IsNorm(ReadOnlySpan<char> last) =>
        last.Contains("norm", StringComparison.Ordinal) || last.StartsWith("ln_", StringComparison.Ordinal) || last is "ln_f" or "ln1" or "ln2";

    /// <summary>
    /// Classifies the tensors of one model, each kind once: every block repeats the same dozen kinds under a new layer
    /// number (<c>blk.N.attn_q.weight</c>, <c>model.layers.N.mlp.up_proj.weight</c>), and the number never changes the
    /// category, so a prediction or a file of thousands of tensors classifies a few dozen names.
    /// </summary>
    public sealed class Cache
    {
        private readonly Dictionary<string, ParameterCategory>.AlternateLookup<ReadOnlySpan<char>> byKind =
            new Dictionary<string, ParameterCategory>(64, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The same as <see cref="TensorClassifier.Classify"/>.</summary>
        public ParameterCategory Classify(string tensorName)
        {
            var kind = KindOf(tensorName);
            if (!byKind.TryGetValue(kind, out var category))
                byKind[kind] = category = TensorClassifier.Classify(tensorName);
            return category;
        }

        /// <summary>
        /// What follows the first all-digit segment (<c>.attn_q.weight</c>, with its leading dot so it cannot equal a name
        /// outside the blocks), or the whole name when it has none.
        /// </summary>
        private static ReadOnlySpan<char> KindOf(string name)
        {
            int start = 0;
            while (true)
            {
                int dot = name.IndexOf('.', start);
                if (dot < 0)
                    return name;
                int end = dot + 1;
                while (end < name.Length && char.IsAsciiDigit(name[end]))
                    end++;
                if (end > dot + 1 && (end == name.Length || name[end] == '.'))
                    return name.AsSpan(end);
                start = dot + 1;
            }
        }
    }
}
