namespace LlmSizer.Inference.Vllm;

/// <summary>How vLLM was started, which decides its default batch budget (vLLM's <c>EngineArgs.get_batch_defaults</c>).</summary>
public enum VllmUsageContext
{
    /// <summary><c>vllm serve</c> (the OpenAI-compatible server): 8192 batched tokens and 1024 sequences on GPUs of 70 GiB or more, else 2048 and 256.</summary>
    ApiServer,
    /// <summary>The offline <c>LLM</c> Python class: 16384 batched tokens and 1024 sequences on GPUs of 70 GiB or more, else 8192 and 256.</summary>
    LlmClass,
}

/// <summary>
/// vLLM settings that <see cref="InferenceOptions"/> does not carry. Null fields take vLLM's default, and the estimate's
/// <see cref="MemoryEstimate.Settings"/> names the value used.
/// </summary>
public sealed record VllmSettings
{
    /// <summary>The defaults: <c>vllm serve</c>, CUDA graphs on, block size 16, CUDA-graph memory outside the utilization budget.</summary>
    public static VllmSettings Default { get; } = new();

    /// <summary>Entry point, for the default batch budget.</summary>
    public VllmUsageContext UsageContext { get; init; } = VllmUsageContext.ApiServer;

    /// <summary><c>--max-num-seqs</c>: sequences per scheduler step; null = the usage context's default.</summary>
    public int? MaxNumSeqs { get; init; }

    /// <summary><c>--block-size</c>: tokens per KV-cache page (16 on CUDA).</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary><c>--enforce-eager</c>: no CUDA graphs are captured.</summary>
    public bool EnforceEager { get; init; }

    /// <summary>
    /// <c>VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1</c>: the CUDA-graph pool is subtracted from the KV budget. Off in
    /// vLLM v0.19 (the version this profile is checked against), so graphs then sit in the memory left above the utilization cap.
    /// </summary>
    public bool CudaGraphsInBudget { get; init; }

    /// <summary>Bytes per element of the model dtype (<c>--dtype</c>): 2 for BF16/FP16, 4 for FP32; null = read from the weights.</summary>
    public int? ModelDtypeBytes { get; init; }
}
