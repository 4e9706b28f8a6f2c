using LlmSizer.Errors;
using LlmSizer.Precision;

namespace LlmSizer.Inference;

/// <summary>
/// An element type a KV cache can store keys or values in, with exact row sizes: values come in blocks of
/// <see cref="BlockElements"/> taking <see cref="BlockBytes"/> bytes, so a row of n values takes n / block × block bytes
/// (ggml's <c>ggml_row_size</c>). llama.cpp accepts f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0 and q5_1
/// (<c>-ctk</c>/<c>-ctv</c>, common/arg.cpp's cache-type list); vLLM accepts fp8 (also spelled fp8_e4m3 and fp8_e5m2), one
/// byte per value (<c>--kv-cache-dtype</c>).
/// </summary>
/// <param name="Name">The canonical lower-case name (<c>f16</c>, <c>q8_0</c>, <c>fp8</c>).</param>
/// <param name="BlockElements">Values per block (32 for the q types, 1 otherwise).</param>
/// <param name="BlockBytes">Bytes per block, scales included.</param>
/// <param name="GgmlTypeName">The ggml type llama.cpp stores the cache in; null for types llama.cpp does not offer (fp8).</param>
/// <param name="Engines">Which engines offer it.</param>
public sealed record KvCacheType(string Name, int BlockElements, int BlockBytes, string? GgmlTypeName, KvCacheEngines Engines)
{
    /// <summary>Bits per cached value, scales included: 16 for f16, 8.5 for q8_0, 4.5 for q4_0.</summary>
    public double BitsPerValue => 8.0 * BlockBytes / BlockElements;

    /// <summary>Block-quantized (q8_0, q4_0…): llama.cpp then needs flash attention to read V from the cache.</summary>
    public bool IsQuantized => BlockElements > 1;

    /// <summary>Whether llama.cpp accepts it as <c>-ctk</c>/<c>-ctv</c>.</summary>
    public bool InLlamaCpp => Engines.HasFlag(KvCacheEngines.LlamaCpp);

    /// <summary>Whether vLLM accepts it as <c>--kv-cache-dtype</c>.</summary>
    public bool InVllm => Engines.HasFlag(KvCacheEngines.Vllm);

    /// <summary>Bytes of one row of <paramref name="values"/> values; throws when they do not fill whole blocks (ggml asserts the same).</summary>
    public long RowBytes(long values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(values);
        if (values % BlockElements != 0)
            throw new ArgumentException($"{Name} stores values in blocks of {BlockElements}; a row of {values} is not whole blocks", nameof(values));
        return checked(values / BlockElements * BlockBytes);
    }

    /// <summary>Whether a row of <paramref name="values"/> values is whole blocks of this type.</summary>
    public bool Fits(long values) => values % BlockElements == 0;

    public override string ToString() => Name;

    /// <summary>f16, llama.cpp's default for keys and values.</summary>
    public static KvCacheType F16 { get; } = FromGgml("f16", KvCacheEngines.LlamaCpp | KvCacheEngines.Vllm);

    /// <summary>vLLM's fp8 cache (E4M3 by default): one byte per value, no block scales in the cache.</summary>
    public static KvCacheType Fp8 { get; } = new("fp8", 1, 1, null, KvCacheEngines.Vllm);

    private static readonly KvCacheType[] Known =
    [
        FromGgml("f32", KvCacheEngines.LlamaCpp | KvCacheEngines.Vllm),
        F16,
        FromGgml("bf16", KvCacheEngines.LlamaCpp | KvCacheEngines.Vllm),
        FromGgml("q8_0", KvCacheEngines.LlamaCpp),
        FromGgml("q4_0", KvCacheEngines.LlamaCpp),
        FromGgml("q4_1", KvCacheEngines.LlamaCpp),
        FromGgml("iq4_nl", KvCacheEngines.LlamaCpp),
        FromGgml("q5_0", KvCacheEngines.LlamaCpp),
        FromGgml("q5_1", KvCacheEngines.LlamaCpp),
        Fp8,
    ];

    /// <summary>Other spellings people use: vLLM's fp8 variants (both one byte) and the Python dtype names.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fp8_e4m3"] = "fp8", ["fp8_e5m2"] = "fp8", ["fp8_e4m3fn"] = "fp8",
        ["float16"] = "f16", ["fp16"] = "f16", ["half"] = "f16",
        ["bfloat16"] = "bf16", ["float32"] = "f32", ["fp32"] = "f32", ["float"] = "f32",
    };

    /// <summary>Every known KV cache type, llama.cpp's first.</summary>
    public static IReadOnlyList<KvCacheType> All => Known;

    /// <summary>The type called <paramref name="name"/> (case-insensitive, aliases included); null when unknown.</summary>
    public static KvCacheType? Find(string name)
    {
        string key = name.Trim();
        if (Aliases.TryGetValue(key, out string? canonical))
            key = canonical;
        return Known.FirstOrDefault(t => string.Equals(t.Name, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The type called <paramref name="name"/>; an unknown name is a <see cref="UsageException"/> with the closest names as suggestions.</summary>
    public static KvCacheType Parse(string name) =>
        Find(name) ?? throw new UsageException(
            $"unknown KV cache type \"{name.Trim()}\"; known: {string.Join(", ", Known.Select(t => t.Name))} (fp8_e4m3 and fp8_e5m2 are fp8)",
            Suggest(name));

    /// <summary>Known names (and aliases) closest to <paramref name="name"/>, best first.</summary>
    public static IReadOnlyList<string> Suggest(string name, int max = 3)
    {
        string q = name.Trim().ToLowerInvariant();
        int limit = Math.Max(2, q.Length / 2);
        return Known.Select(t => t.Name).Concat(Aliases.Keys)
            .Select(n => (Name: n, Score: q.Length > 0 && n.Contains(q, StringComparison.Ordinal) ? 0 : EditDistance.Between(q, n, limit)))
            .Where(x => x.Score <= limit)
            .OrderBy(x => x.Score).ThenBy(x => x.Name.Length).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).Distinct().Take(max).ToList();
    }

    /// <summary>A llama.cpp cache type: its block arithmetic is the ggml type's (GgmlType, from ggml's type traits).</summary>
    private static KvCacheType FromGgml(string name, KvCacheEngines engines)
    {
        var ggml = GgmlType.FromName(name) ?? throw new InvalidOperationException($"ggml type {name} is missing from GgmlType");
        return new KvCacheType(name, ggml.BlockElements, ggml.BlockBytes, ggml.Name, engines);
    }
}

/// <summary>The engines a <see cref="KvCacheType"/> is offered by.</summary>
[Flags]
public enum KvCacheEngines
{
    None = 0,
    /// <summary>llama.cpp's <c>--cache-type-k</c>/<c>--cache-type-v</c>.</summary>
    LlamaCpp = 1,
    /// <summary>vLLM's <c>--kv-cache-dtype</c> (<c>auto</c> follows the model's dtype: f16, bf16 or f32).</summary>
    Vllm = 2,
}
