namespace LlmSizer.Precision;

/// <summary>
/// A storage format for weights with its exact size in bits per parameter. Raw formats only: block
/// quantization scales (GPTQ/AWQ groups, GGUF blocks) are modelled by their own formats.
/// </summary>
public sealed record NumericFormat(string Name, int BitsPerParameter, string Description)
{
    public static NumericFormat Fp32 { get; } = new("FP32", 32, "IEEE 754 single precision");
    public static NumericFormat Fp16 { get; } = new("FP16", 16, "IEEE 754 half precision");
    public static NumericFormat Bf16 { get; } = new("BF16", 16, "bfloat16: FP32's exponent range in 16 bits");
    public static NumericFormat Fp8 { get; } = new("FP8", 8, "E4M3 or E5M2 8-bit float");
    public static NumericFormat Int8 { get; } = new("INT8", 8, "8-bit integer, scales not included");
    public static NumericFormat Int4 { get; } = new("INT4", 4, "4-bit integer, scales not included");

    /// <summary>The formats <c>inspect</c> lists, widest first.</summary>
    public static IReadOnlyList<NumericFormat> Common { get; } = [Fp32, Fp16, Bf16, Fp8, Int8, Int4];

    /// <summary>Bytes to store <paramref name="parameters"/> values, rounded up to a whole byte.</summary>
    public long BytesFor(long parameters) => checked((parameters * BitsPerParameter + 7) / 8);
}
