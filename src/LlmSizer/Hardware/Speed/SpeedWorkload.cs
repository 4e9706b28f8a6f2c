using LlmSizer.Inference;

namespace LlmSizer.Hardware.Speed;

/// <summary>
/// What is being run: how many tokens each sequence already holds in its cache while decoding, how many sequences decode
/// together, and how long the prompt is. Token counts are tokens; bytes are bytes.
/// </summary>
public sealed record SpeedWorkload
{
    /// <summary>Tokens already in each sequence's KV cache at the decode step estimated (the KV read grows with it).</summary>
    public int ContextTokens { get; init; }

    /// <summary>Sequences decoded together (batch): each step produces one token for each.</summary>
    public int Sequences { get; init; } = 1;

    /// <summary>Prompt length of one request, for prefill and time to first token.</summary>
    public int PromptTokens { get; init; } = 512;

    /// <summary>Tokens per prefill pass (llama.cpp <c>-ub</c>, default 512): weights are read once per pass.</summary>
    public int MicroBatchTokens { get; init; } = 512;

    /// <summary>Key cache element type (llama.cpp <c>-ctk</c>); f16 by default.</summary>
    public KvCacheType KeyType { get; init; } = KvCacheType.F16;

    /// <summary>Value cache element type (llama.cpp <c>-ctv</c>); f16 by default.</summary>
    public KvCacheType ValueType { get; init; } = KvCacheType.F16;

    /// <summary>
    /// KV cache bytes per token of one sequence over all layers, when known from an engine estimate (e.g. a memory estimate's KV
    /// bytes / its cells); overrides the bytes computed from <see cref="KeyType"/> and <see cref="ValueType"/>.
    /// </summary>
    public long? KvBytesPerToken { get; init; }

    /// <summary>
    /// Each generated token's logits go to the host's sampler (llama-server, Ollama, <c>generate</c>): true by default; false
    /// for a benchmark that times the forward pass alone (llama-bench's tg test).
    /// </summary>
    public bool HostSampling { get; init; } = true;

    /// <summary>The compute roof of matrix products; null = what the engine uses for the weights (see docs/METHOD.md).</summary>
    public ComputePrecision? Precision { get; init; }
}
