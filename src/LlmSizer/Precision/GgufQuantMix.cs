namespace LlmSizer.Precision;

/// <summary>
/// A llama.cpp quantization mix: the <c>llama-quantize</c> file type (<c>Q4_K_M</c>, <c>Q8_0</c>, <c>IQ4_XS</c>…) whose
/// <see cref="DefaultType"/> most 2-D tensors get, while <see cref="GgufQuantizer"/>'s rules give some tensors another type.
/// </summary>
/// <param name="Name">The name <c>llama-quantize</c> takes, e.g. <c>Q4_K_M</c>.</param>
/// <param name="DefaultType">The ggml type a tensor gets unless a rule says otherwise.</param>
/// <param name="RequiresImatrix">llama.cpp refuses to make this mix without an importance matrix (its types need one).</param>
/// <param name="Description">What the mix is, in a few words.</param>
public sealed record GgufQuantMix(string Name, GgmlType DefaultType, bool RequiresImatrix, string Description)
{
    /// <summary>Whether the mix quantizes at all (false for F32, F16, BF16: every 2-D tensor is simply converted).</summary>
    public bool IsQuantized => DefaultType.IsQuantized;

    private static GgufQuantMix M(string name, string type, string description, bool imatrix = false) =>
        new(name, GgmlType.FromName(type) ?? throw new InvalidOperationException($"ggml type {type} is missing"), imatrix, description);

    private static readonly GgufQuantMix[] Known =
    [
        M("F32", "F32", "every tensor in 32-bit float"),
        M("F16", "F16", "2-D tensors in 16-bit float, 1-D tensors in F32"),
        M("BF16", "BF16", "2-D tensors in bfloat16, 1-D tensors in F32"),
        M("Q8_0", "Q8_0", "8-bit, one scale per 32 values (8.5 bits)"),
        M("Q6_K", "Q6_K", "6-bit k-quant (6.56 bits)"),
        M("Q5_K_M", "Q5_K", "5-bit k-quant; attn_v and ffn_down in Q6_K in half the layers"),
        M("Q5_K_S", "Q5_K", "5-bit k-quant"),
        M("Q5_1", "Q5_1", "legacy 5-bit with scale and minimum per 32 (6 bits)"),
        M("Q5_0", "Q5_0", "legacy 5-bit with a scale per 32 (5.5 bits)"),
        M("Q4_K_M", "Q4_K", "4-bit k-quant; attn_v and ffn_down in Q6_K in half the layers"),
        M("Q4_K_S", "Q4_K", "4-bit k-quant; early attn_v and ffn_down in Q5_K"),
        M("Q4_1", "Q4_1", "legacy 4-bit with scale and minimum per 32 (5 bits)"),
        M("Q4_0", "Q4_0", "legacy 4-bit with a scale per 32 (4.5 bits)"),
        M("IQ4_NL", "IQ4_NL", "4-bit non-linear, blocks of 32 (4.5 bits)"),
        M("IQ4_XS", "IQ4_XS", "4-bit non-linear, super-blocks of 256 (4.25 bits)"),
        M("Q3_K_L", "Q3_K", "3-bit k-quant; attn_v, attn_output and ffn_down in Q5_K"),
        M("Q3_K_M", "Q3_K", "3-bit k-quant; attn_v, attn_output and ffn_down in Q4_K/Q5_K"),
        M("Q3_K_S", "Q3_K", "3-bit k-quant"),
        M("IQ3_M", "IQ3_S", "3-bit i-quant, medium"),
        M("IQ3_S", "IQ3_S", "3-bit i-quant (3.44 bits)"),
        M("IQ3_XS", "IQ3_S", "3-bit i-quant, extra small", imatrix: true),
        M("IQ3_XXS", "IQ3_XXS", "3-bit i-quant (3.06 bits)", imatrix: true),
        M("Q2_K", "Q2_K", "2-bit k-quant; attn_v, attn_output and ffn_down in Q3_K/Q4_K"),
        M("Q2_K_S", "Q2_K", "2-bit k-quant, small", imatrix: true),
        M("IQ2_M", "IQ2_S", "2-bit i-quant, medium", imatrix: true),
        M("IQ2_S", "IQ2_XS", "2-bit i-quant, small", imatrix: true),
        M("IQ2_XS", "IQ2_XS", "2-bit i-quant (2.31 bits)", imatrix: true),
        M("IQ2_XXS", "IQ2_XXS", "2-bit i-quant (2.06 bits)", imatrix: true),
        M("IQ1_M", "IQ1_M", "1-bit i-quant (1.75 bits)", imatrix: true),
        M("IQ1_S", "IQ1_S", "1-bit i-quant (1.56 bits)", imatrix: true),
        M("TQ2_0", "TQ2_0", "ternary, 2 bits per value (BitNet-style models)"),
        M("TQ1_0", "TQ1_0", "ternary, 1.69 bits per value (BitNet-style models)"),
        M("MXFP4_MOE", "MXFP4", "MXFP4 experts, Q8_0 everything else (gpt-oss)"),
        M("NVFP4", "NVFP4", "NVIDIA FP4: 4-bit values with an FP8 scale per 16 (4.5 bits)"),
        M("Q1_0", "Q1_0", "1-bit values with a scale per 128 (1.125 bits)"),
    ];

    /// <summary><c>llama-quantize</c>'s aliases: <c>Q4_K</c> means <c>Q4_K_M</c>, and so on.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Q3_K"] = "Q3_K_M", ["Q4_K"] = "Q4_K_M", ["Q5_K"] = "Q5_K_M",
    };

    /// <summary>Every mix, widest first.</summary>
    public static IReadOnlyList<GgufQuantMix> All => Known;

    /// <summary>Names <see cref="Find"/> accepts besides the mixes' own (llama-quantize's aliases).</summary>
    public static IReadOnlyCollection<string> AliasNames => Aliases.Keys;

    /// <summary>The mix called <paramref name="name"/> (case-insensitive; <c>Q4_K</c> is <c>Q4_K_M</c>), or null.</summary>
    public static GgufQuantMix? Find(string name)
    {
        string key = name.Trim();
        if (Aliases.TryGetValue(key, out string? canonical))
            key = canonical;
        return Known.FirstOrDefault(m => string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Which version of llama.cpp's type-selection rules to follow.</summary>
public enum GgufQuantRules
{
    /// <summary>
    /// llama.cpp since its 2026 rework of <c>src/llama-quant.cpp</c> into tensor categories: a fused <c>attn_qkv</c> (and MLA's
    /// <c>attn_kv_b</c>) is treated like <c>attn_v</c>; a K-quant of 2 or 3 bits falls back to Q4_0.
    /// </summary>
    Current,
    /// <summary>
    /// llama.cpp of 2023–2025 (read at commit 8784689f), which made the GGUF files published in those years: a fused
    /// <c>attn_qkv</c> has its own rule (Q5_K in Q4_K_M, Q6_K in Q5_K_M), and Q2_K/Q3_K fall back to IQ4_NL (same size as Q4_0).
    /// </summary>
    Before2026,
}

/// <summary>Settings of a <c>llama-quantize</c> run that change which type a tensor gets.</summary>
public sealed record GgufQuantOptions
{
    /// <summary>
    /// Whether an importance matrix was given (<c>--imatrix</c>); null = only for mixes that require one
    /// (<see cref="GgufQuantMix.RequiresImatrix"/>). It changes IQ3_XXS's attn_v, the first ffn_down layers of IQ3_XXS,
    /// IQ4_NL, IQ4_XS, and of Q4_0/Q5_0 (which then use Q4_1/Q5_1).
    /// </summary>
    public bool? Imatrix { get; init; }

    /// <summary>Which llama.cpp's rules to follow; the current ones by default.</summary>
    public GgufQuantRules Rules { get; init; } = GgufQuantRules.Current;

    public static GgufQuantOptions Default { get; } = new();
}
