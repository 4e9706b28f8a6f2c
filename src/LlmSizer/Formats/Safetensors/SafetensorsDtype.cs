namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// A safetensors element type as the header names it (<c>"dtype"</c>), with its size in bits per element.
/// The table follows the reference implementation's <c>Dtype</c> enum and its <c>bitsize()</c>
/// (huggingface/safetensors, safetensors/src/tensor.rs): the sub-byte OCP MX element types F4 (E2M1) and
/// F6 (E2M3, E3M2) take 4 and 6 bits, and a tensor of them must fill whole bytes.
/// </summary>
/// <param name="Name">The header spelling, e.g. <c>BF16</c>, <c>F8_E4M3</c>, <c>I32</c> (case-sensitive, as serde reads it).</param>
/// <param name="Bits">Bits per element.</param>
/// <param name="Description">What the values are, for explanations.</param>
public sealed record SafetensorsDtype(string Name, int Bits, string Description)
{
    private static readonly SafetensorsDtype[] Known =
    [
        new("BOOL", 8, "boolean, one byte each"),
        new("F4", 4, "OCP MX FP4 (E2M1), two per byte"),
        new("F6_E2M3", 6, "OCP MX FP6 (E2M3)"),
        new("F6_E3M2", 6, "OCP MX FP6 (E3M2)"),
        new("U8", 8, "unsigned 8-bit integer"),
        new("I8", 8, "signed 8-bit integer"),
        new("F8_E5M2", 8, "8-bit float, 5 exponent and 2 mantissa bits"),
        new("F8_E4M3", 8, "8-bit float, 4 exponent and 3 mantissa bits"),
        new("F8_E8M0", 8, "OCP MX E8M0 scale: a power of two"),
        new("F8_E4M3FNUZ", 8, "8-bit float E4M3, finite, no negative zero"),
        new("F8_E5M2FNUZ", 8, "8-bit float E5M2, finite, no negative zero"),
        new("I16", 16, "signed 16-bit integer"),
        new("U16", 16, "unsigned 16-bit integer"),
        new("F16", 16, "IEEE 754 half precision"),
        new("BF16", 16, "bfloat16"),
        new("I32", 32, "signed 32-bit integer"),
        new("U32", 32, "unsigned 32-bit integer"),
        new("F32", 32, "IEEE 754 single precision"),
        new("C64", 64, "complex number of two 32-bit floats"),
        new("F64", 64, "IEEE 754 double precision"),
        new("I64", 64, "signed 64-bit integer"),
        new("U64", 64, "unsigned 64-bit integer"),
    ];

    private static readonly Dictionary<string, SafetensorsDtype> ByName = Known.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every dtype the reader accepts.</summary>
    public static IReadOnlyList<SafetensorsDtype> All => Known;

    /// <summary>The dtype with this exact header spelling; null when there is none.</summary>
    public static SafetensorsDtype? FromName(string name) => ByName.GetValueOrDefault(name);

    /// <summary>
    /// Bytes that <paramref name="elements"/> values occupy; null when they do not fill whole bytes (an odd count of F4
    /// values, say), which the format refuses. Throws <see cref="OverflowException"/> past 64 bits.
    /// </summary>
    public long? BytesFor(long elements)
    {
        long bits = checked(elements * Bits);
        return bits % 8 == 0 ? bits / 8 : null;
    }

    public override string ToString() => Name;
}
