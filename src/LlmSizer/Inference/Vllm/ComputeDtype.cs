using LlmSizer.Formats;

namespace LlmSizer.Inference.Vllm;

/// <summary>
/// The element size, in bytes, that an engine computes activations, logits and an "auto" KV cache in, read from the
/// checkpoint: vLLM's and transformers' <c>dtype="auto"</c> take the checkpoint's float type, and quantized formats
/// (GPTQ, AWQ, FP8, bitsandbytes, MXFP4, GGUF blocks) still compute in 16-bit.
/// </summary>
internal static class ComputeDtype
{
    /// <summary>4 when most parameters are stored as FP32, else 2.</summary>
    public static int BytesOf(TensorInventory weights)
    {
        var top = weights.ParametersByType.FirstOrDefault();
        return top.Type is { } type && type.ToUpperInvariant() is "F32" or "FP32" or "FLOAT32" ? 4 : 2;
    }

    /// <summary>"BF16/FP16" or "FP32", for settings and formulas.</summary>
    public static string Name(int bytes) => bytes == 4 ? "FP32" : "BF16/FP16";
}
