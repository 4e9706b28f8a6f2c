namespace LlmSizer.Inference;

/// <summary>
/// How a model is run. Null fields take the engine's default, and the estimate says which value it used.
/// Token counts are tokens; memory sizes are bytes.
/// </summary>
public sealed record InferenceOptions
{
    public InferenceEngine Engine { get; init; } = InferenceEngine.LlamaCpp;

    /// <summary>Weight format: a ggml type or llama.cpp mix (<c>Q4_K_M</c>, <c>Q8_0</c>, <c>F16</c>), or <c>BF16</c>, <c>FP8</c>, <c>AWQ</c>, <c>GPTQ-INT4</c>, <c>NF4</c>…; null = as stored in the file read, else the engine's default.</summary>
    public string? WeightsType { get; init; }

    /// <summary>Context length per sequence, in tokens; null = the engine's default (printed with the estimate).</summary>
    public int? ContextTokens { get; init; }

    /// <summary>Sequences decoded at once (llama.cpp <c>-np</c>, vLLM concurrency, transformers batch size).</summary>
    public int Sequences { get; init; } = 1;

    /// <summary>llama.cpp <c>-ub</c>: tokens per physical micro-batch (default 512).</summary>
    public int? MicroBatchTokens { get; init; }

    /// <summary>llama.cpp <c>-b</c>: tokens per logical batch (default 2048).</summary>
    public int? BatchTokens { get; init; }

    /// <summary>KV cache element type for keys (<c>f16</c>, <c>q8_0</c>, <c>fp8</c>…); null = the engine's default.</summary>
    public string? KvTypeK { get; init; }

    /// <summary>KV cache element type for values; null = same as keys.</summary>
    public string? KvTypeV { get; init; }

    /// <summary>llama.cpp <c>-fa</c>: null = auto (on where the backend supports it).</summary>
    public bool? FlashAttention { get; init; }

    /// <summary>llama.cpp <c>-ngl</c>: layers on the GPU, counting the output layer; null = all.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>
    /// llama.cpp <c>--n-cpu-moe N</c>: the routed experts (<c>ffn_*_exps</c>) of the first N layers stay in system RAM and run
    /// on the CPU while the rest of those layers is offloaded (the same as <c>-ot "blk\.(0|…|N−1)\.ffn_.*_exps=CPU"</c>); null or 0 = none.
    /// </summary>
    public int? CpuMoeLayers { get; init; }

    /// <summary>llama.cpp <c>--mmap</c> (default) maps the file for CPU-resident weights; false is <c>--no-mmap</c>, which reads them into an allocated buffer.</summary>
    public bool Mmap { get; init; } = true;

    /// <summary>vLLM <c>--gpu-memory-utilization</c> (default 0.9) of <see cref="GpuMemoryBytes"/>.</summary>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>Memory of one GPU, in bytes, for engines that size their KV cache from it (vLLM).</summary>
    public long? GpuMemoryBytes { get; init; }

    /// <summary>vLLM <c>--max-num-batched-tokens</c>.</summary>
    public int? MaxBatchedTokens { get; init; }

    /// <summary>Tensor-parallel ranks (vLLM <c>-tp</c>).</summary>
    public int TensorParallel { get; init; } = 1;
}
