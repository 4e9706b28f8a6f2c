namespace LlmSizer.Hardware.Speed;

/// <summary>The tensor-core throughput a matrix product runs at: the compute roof of prefill and of large-batch decode.</summary>
public enum ComputePrecision
{
    /// <summary><see cref="DeviceSpec.Fp16Flops"/>: FP16/BF16 products (unquantized weights, or weights dequantized to 16 bits).</summary>
    Fp16,
    /// <summary><see cref="DeviceSpec.Fp8Flops"/>: FP8 weights and activations (vLLM's FP8 W8A8).</summary>
    Fp8,
    /// <summary><see cref="DeviceSpec.Int8Ops"/>: 8-bit integer products (llama.cpp's quantized kernels: CUDA MMQ, CPU dot products).</summary>
    Int8,
}
