using LlmSizer.Models;

namespace LlmSizer.Formats;

/// <summary>What a stored tensor is for.</summary>
public enum TensorRole
{
    /// <summary>Model weights: its logical values are parameters.</summary>
    Weight,
    /// <summary>Scales, zero points, group indices, absmax or quant maps of a quantized weight: bytes, not parameters.</summary>
    QuantizationMetadata,
    /// <summary>Stored but not a parameter (rotary frequency factors, causal masks).</summary>
    Buffer,
}

/// <summary>
/// One tensor of a weights file. <see cref="Elements"/> is the product of the stored shape;
/// <see cref="Parameters"/> the logical parameters it holds (a GPTQ int32 packs eight 4-bit weights;
/// metadata and buffers hold none); <see cref="Bytes"/> what it occupies in the file.
/// </summary>
public sealed record TensorInfo(
    string Name,
    IReadOnlyList<long> Shape,
    string Type,
    long Elements,
    long Parameters,
    long Bytes,
    TensorRole Role,
    ParameterCategory Category);
