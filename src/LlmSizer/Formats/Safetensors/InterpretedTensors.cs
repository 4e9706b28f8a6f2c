namespace LlmSizer.Formats.Safetensors;

/// <summary>What <see cref="PackedTensorInterpreter"/> made of a checkpoint's tensors.</summary>
/// <param name="Tensors">One entry per stored tensor, in the order given, with logical parameters and stored bytes.</param>
/// <param name="Quantization">The quantization in effect (stated or recognised); null for an unquantized checkpoint.</param>
/// <param name="Notes">What was assumed or did not agree (bits defaulted, config and tensors disagreeing).</param>
public sealed record InterpretedTensors(
    IReadOnlyList<TensorInfo> Tensors,
    SafetensorsQuantization? Quantization,
    IReadOnlyList<string> Notes);
