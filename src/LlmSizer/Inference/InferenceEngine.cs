namespace LlmSizer.Inference;

/// <summary>The runtimes whose memory rules LlmSizer models.</summary>
public enum InferenceEngine
{
    /// <summary>llama.cpp and what builds on it (Ollama, LM Studio, node-llama-cpp).</summary>
    LlamaCpp,
    /// <summary>vLLM's paged-attention server.</summary>
    Vllm,
    /// <summary>Hugging Face transformers in PyTorch (<c>model.generate</c>).</summary>
    Transformers,
}
