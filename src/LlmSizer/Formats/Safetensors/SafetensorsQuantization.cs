namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// The quantization a checkpoint uses, as its config states it or as its tensor names reveal it.
/// </summary>
/// <param name="Method">The packing family.</param>
/// <param name="Name">The method as the config spells <c>quant_method</c> (<c>gptq</c>, <c>awq</c>, <c>bitsandbytes</c>, <c>fp8</c>, <c>mxfp4</c>, <c>compressed-tensors</c>, …).</param>
/// <param name="Bits">Bits per stored weight value (4 for GPTQ 4-bit and NF4, 8 for FP8); null when not stated.</param>
/// <param name="GroupSize">Weights sharing one scale (GPTQ/AWQ <c>group_size</c>; -1 means one group per output row); null when not stated.</param>
/// <param name="Format">A sub-format when one is named: <c>nf4</c>/<c>fp4</c> (bitsandbytes), <c>e4m3</c> (FP8), <c>gemm</c> (AWQ), <c>pack-quantized</c> (compressed-tensors).</param>
/// <param name="Source">Where it was found: <c>config.json</c>, <c>quantize_config.json</c>, <c>quant_config.json</c> or <c>tensor names</c>.</param>
public sealed record SafetensorsQuantization(
    QuantizationMethod Method,
    string Name,
    int? Bits,
    int? GroupSize,
    string? Format,
    string Source);
