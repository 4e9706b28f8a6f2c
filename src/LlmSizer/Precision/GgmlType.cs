using System.Collections.Frozen;

namespace LlmSizer.Precision;

/// <summary>
/// A ggml tensor type as GGUF stores it: values come in blocks of <see cref="BlockElements"/> taking
/// <see cref="BlockBytes"/> bytes. Source: ../shared/reference/ggml-types.tsv (llama.cpp's GGML_QUANT_SIZES
/// and ggml type traits).
/// </summary>
public sealed record GgmlType(int Id, string Name, int BlockElements, int BlockBytes)
{
    /// <summary>Bits per weight including the block's scales: 8 × block bytes / block elements.</summary>
    public double BitsPerWeight => 8.0 * BlockBytes / BlockElements;

    /// <summary>A block-quantized type (ggml's <c>ggml_is_quantized</c>): blocks of more than one value with their scales. False for F32, F16, BF16, F64 and the integer types.</summary>
    public bool IsQuantized => BlockElements > 1;

    /// <summary>Q8_1 and Q8_K only hold activations at run time, never weights in a file.</summary>
    public bool RuntimeOnly => Id is 9 or 15;

    /// <summary>Bytes for <paramref name="elements"/> values; null when they do not fill whole blocks.</summary>
    public long? BytesFor(long elements) =>
        elements % BlockElements != 0 ? null : checked(elements / BlockElements * BlockBytes);

    private static readonly GgmlType[] Known =
    [
        new(0, "F32", 1, 4), new(1, "F16", 1, 2), new(2, "Q4_0", 32, 18), new(3, "Q4_1", 32, 20),
        new(6, "Q5_0", 32, 22), new(7, "Q5_1", 32, 24), new(8, "Q8_0", 32, 34), new(9, "Q8_1", 32, 36),
        new(10, "Q2_K", 256, 84), new(11, "Q3_K", 256, 110), new(12, "Q4_K", 256, 144), new(13, "Q5_K", 256, 176),
        new(14, "Q6_K", 256, 210), new(15, "Q8_K", 256, 292), new(16, "IQ2_XXS", 256, 66), new(17, "IQ2_XS", 256, 74),
        new(18, "IQ3_XXS", 256, 98), new(19, "IQ1_S", 256, 50), new(20, "IQ4_NL", 32, 18), new(21, "IQ3_S", 256, 110),
        new(22, "IQ2_S", 256, 82), new(23, "IQ4_XS", 256, 136), new(24, "I8", 1, 1), new(25, "I16", 1, 2),
        new(26, "I32", 1, 4), new(27, "I64", 1, 8), new(28, "F64", 1, 8), new(29, "IQ1_M", 256, 56),
        new(30, "BF16", 1, 2), new(34, "TQ1_0", 256, 54), new(35, "TQ2_0", 256, 66), new(39, "MXFP4", 32, 17),
        new(40, "NVFP4", 64, 36), new(41, "Q1_0", 128, 18),
    ];

    private static readonly Dictionary<int, GgmlType> ById = Known.ToDictionary(t => t.Id);

    // Frozen: every quantizer rule and every tensor of a new inventory looks a type up by name.
    private static readonly FrozenDictionary<string, GgmlType> ByName = Known.ToFrozenDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Type ids llama.cpp removed, with what they were.</summary>
    private static readonly Dictionary<int, string> Removed = new()
    {
        [4] = "Q4_2", [5] = "Q4_3", [31] = "Q4_0_4_4", [32] = "Q4_0_4_8", [33] = "Q4_0_8_8",
        [36] = "IQ4_NL_4_4", [37] = "IQ4_NL_4_8", [38] = "IQ4_NL_8_8",
    };

    public static IReadOnlyList<GgmlType> All => Known;

    public static GgmlType? FromId(int id) => ById.GetValueOrDefault(id);

    public static GgmlType? FromName(string name) => ByName.GetValueOrDefault(name.Trim());

    /// <summary>For an id that is not a current type: the removed type's name, if it was one.</summary>
    public static string? RemovedName(int id) => Removed.GetValueOrDefault(id);
}
