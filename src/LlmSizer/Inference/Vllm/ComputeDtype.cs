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
        string? type = MostParametersType(weights);
        return type is not null && type.ToUpperInvariant() is "F32" or "FP32" or "FLOAT32" ? 4 : 2;
    }

    /// <summary>
    /// The type holding the most weight parameters, the first seen on a tie: <see cref="TensorInventory.ParametersByType"/>'s first
    /// entry, without grouping every tensor through LINQ (this runs once per estimate, on hundreds of tensors).
    /// </summary>
    private static string? MostParametersType(TensorInventory weights)
    {
        // An inventory holds a handful of types, and neighbouring tensors mostly share one: a short list beats hashing names.
        var types = new List<(string Type, long Parameters)>(8);
        int last = -1;
        foreach (var t in weights.Tensors)
        {
            if (t.Role != TensorRole.Weight)
                continue;
            if (last < 0 || types[last].Type != t.Type)
            {
                last = types.Count - 1;
                while (last >= 0 && types[last].Type != t.Type)
                    last--;
                if (last < 0)
                {
                    types.Add((t.Type, 0));
                    last = types.Count - 1;
                }
            }
            types[last] = (t.Type, types[last].Parameters + t.Parameters);
        }
        string? top = null;
        long most = long.MinValue;
        foreach (var (type, parameters) in types)
            if (parameters > most)
                (top, most) = (type, parameters);
        return top;
    }

    /// <summary>"BF16/FP16" or "FP32", for settings and formulas.</summary>
    public static string Name(int bytes) => bytes == 4 ? "FP32" : "BF16/FP16";
}
