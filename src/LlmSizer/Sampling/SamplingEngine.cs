using LlmSizer.Errors;

namespace LlmSizer.Sampling;

/// <summary>The engines whose sampler order LlmSizer reproduces (<see cref="SamplingEngineProfile"/>).</summary>
public enum SamplingEngine
{
    /// <summary>Hugging Face transformers' <c>generate</c> with <c>do_sample=True</c>.</summary>
    Transformers,

    /// <summary>llama.cpp's default sampler chain (llama-cli, llama-server).</summary>
    LlamaCpp,

    /// <summary>vLLM's V1 sampler.</summary>
    Vllm,
}

/// <summary>Engine names as the command line and JSON spell them.</summary>
public static class SamplingEngineNames
{
    public static string Name(SamplingEngine engine) => engine switch
    {
        SamplingEngine.Transformers => "transformers",
        SamplingEngine.LlamaCpp => "llama.cpp",
        _ => "vllm",
    };

    /// <summary>Parses <c>transformers|llama.cpp|vllm</c> (case-insensitive; <c>llamacpp</c>, <c>hf</c> too); a <see cref="UsageException"/> otherwise.</summary>
    public static SamplingEngine Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "transformers" or "hf" or "huggingface" => SamplingEngine.Transformers,
        "llama.cpp" or "llamacpp" or "llama-cpp" or "ollama" => SamplingEngine.LlamaCpp,
        "vllm" => SamplingEngine.Vllm,
        _ => throw new UsageException($"--engine '{text}': expected transformers, llama.cpp or vllm"),
    };
}
