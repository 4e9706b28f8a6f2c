using System.Globalization;
using LlmSizer.Inference;

namespace LlmSizer.Requests;

/// <summary>
/// How to run a model, as the user typed it (<c>estimate</c>, <c>fit</c>, <c>compare</c> and their web endpoints): every field
/// null when not given, then the engine's default. <see cref="ToOptions"/> checks and converts it; sizes are text such as
/// <c>80GB</c> or <c>24GiB</c>, token counts are tokens.
/// </summary>
public sealed record InferenceRequest
{
    /// <summary><c>llama.cpp</c> (also <c>ollama</c>, <c>lmstudio</c>), <c>vllm</c> or <c>transformers</c>; null = llama.cpp.</summary>
    public string? Engine { get; init; }

    /// <summary>Weight type (<c>Q4_K_M</c>, <c>BF16</c>, <c>AWQ</c>…); checked by the estimate, which knows the model.</summary>
    public string? Weights { get; init; }

    /// <summary>KV cache type for keys and values (<c>f16</c>, <c>q8_0</c>, <c>fp8</c>…); checked by the estimate.</summary>
    public string? KvType { get; init; }

    /// <summary>KV cache type for values when it differs from keys (llama.cpp <c>-ctv</c>).</summary>
    public string? KvTypeV { get; init; }

    /// <summary><c>on</c>, <c>off</c> or <c>auto</c> (llama.cpp <c>-fa</c>); null = auto.</summary>
    public string? FlashAttention { get; init; }

    /// <summary><c>on</c> (default) or <c>off</c> (llama.cpp <c>--no-mmap</c>).</summary>
    public string? Mmap { get; init; }

    /// <summary>Context length per sequence, in tokens.</summary>
    public int? Context { get; init; }

    /// <summary>Sequences at once; null = 1.</summary>
    public int? Batch { get; init; }

    /// <summary>llama.cpp <c>-ub</c>, tokens per micro-batch.</summary>
    public int? Ubatch { get; init; }

    /// <summary>llama.cpp <c>-b</c>, tokens per logical batch.</summary>
    public int? BatchTokens { get; init; }

    /// <summary>llama.cpp <c>-ngl</c>, layers on the GPU counting the output layer.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>llama.cpp <c>--n-cpu-moe</c>, layers whose routed experts stay in RAM.</summary>
    public int? CpuMoeLayers { get; init; }

    /// <summary>vLLM <c>--max-num-batched-tokens</c>.</summary>
    public int? MaxBatchedTokens { get; init; }

    /// <summary>Tensor-parallel GPUs (vLLM); null = 1.</summary>
    public int? Tp { get; init; }

    /// <summary>vLLM's share of GPU memory, in (0, 1].</summary>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>Memory of one GPU as text (<c>80GB</c>, <c>24GiB</c>), for engines that size their KV cache from it (vLLM).</summary>
    public string? GpuMemory { get; init; }

    /// <summary>Whether the engine was named (a comparison otherwise picks one per model's weights).</summary>
    public bool EngineGiven => Engine is not null;

    /// <summary>The options these fields ask for; a bad value is a usage error naming its field in <paramref name="style"/>.</summary>
    public InferenceOptions ToOptions(FieldStyle style) => new()
    {
        Engine = Engine is null ? InferenceEngine.LlamaCpp : ParseEngine(Engine, style),
        WeightsType = Weights,
        ContextTokens = Context,
        Sequences = Batch ?? 1,
        MicroBatchTokens = RequestFields.Positive(Ubatch, "ubatch", style),
        BatchTokens = RequestFields.Positive(BatchTokens, "batchTokens", style),
        KvTypeK = KvType,
        KvTypeV = KvTypeV,
        FlashAttention = FlashAttention?.Trim().ToLowerInvariant() is null or "auto" ? null
            : RequestFields.OnOff(FlashAttention, "flashAttention", style, "on, off or auto"),
        Mmap = RequestFields.OnOff(Mmap, "mmap", style) ?? true,
        GpuLayers = RequestFields.NonNegative(GpuLayers, "gpuLayers", style),
        CpuMoeLayers = RequestFields.NonNegative(CpuMoeLayers, "cpuMoeLayers", style),
        GpuMemoryUtilization = GpuMemoryUtilization is { } u && (u <= 0 || u > 1)
            ? throw RequestFields.Error("gpuMemoryUtilization",
                $"{RequestFields.Name("gpuMemoryUtilization", style)}: expected a share above 0 and at most 1, found {u.ToString(CultureInfo.InvariantCulture)}")
            : GpuMemoryUtilization,
        MaxBatchedTokens = RequestFields.Positive(MaxBatchedTokens, "maxBatchedTokens", style),
        GpuMemoryBytes = RequestFields.Size(GpuMemory, "gpuMemory", style),
        TensorParallel = Tp ?? 1,
    };

    private static InferenceEngine ParseEngine(string name, FieldStyle style) => name.Trim().ToLowerInvariant() switch
    {
        "llama.cpp" or "llamacpp" or "llama-cpp" or "ollama" or "lmstudio" or "lm-studio" => InferenceEngine.LlamaCpp,
        "vllm" => InferenceEngine.Vllm,
        "transformers" or "hf" or "pytorch" => InferenceEngine.Transformers,
        _ => throw RequestFields.Error("engine", $"{RequestFields.Name("engine", style)} '{name}': expected llama.cpp, vllm or transformers"),
    };
}
