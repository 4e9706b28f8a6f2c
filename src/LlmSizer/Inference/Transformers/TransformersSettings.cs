namespace LlmSizer.Inference.Transformers;

/// <summary>transformers' <c>attn_implementation</c>.</summary>
public enum TransformersAttention
{
    /// <summary><c>sdpa</c>, the default: PyTorch's scaled_dot_product_attention, which never holds the score matrix for causal attention.</summary>
    Sdpa,
    /// <summary><c>eager</c>: matmul, mask, softmax in FP32, matmul — the batch × heads × seq × seq scores exist in memory.</summary>
    Eager,
    /// <summary><c>flash_attention_2</c>: the flash-attn kernels, no score matrix.</summary>
    FlashAttention2,
}

/// <summary>What is run: <c>model.generate</c>, or one plain forward pass returning every position's logits.</summary>
public enum TransformersRun
{
    /// <summary><c>model.generate</c>: the model returns logits for the last position only (<c>logits_to_keep=1</c>).</summary>
    Generate,
    /// <summary><c>model(input_ids)</c>: logits for every position, batch × seq × vocab in the model dtype.</summary>
    Forward,
}

/// <summary>
/// transformers settings that <see cref="InferenceOptions"/> does not carry. Null fields take transformers' default, and the
/// estimate's <see cref="MemoryEstimate.Settings"/> names the value used.
/// </summary>
public sealed record TransformersSettings
{
    /// <summary>The defaults: generate, attention from <see cref="InferenceOptions.FlashAttention"/> (sdpa when unset), dtype "auto", greedy decoding.</summary>
    public static TransformersSettings Default { get; } = new();

    /// <summary>Attention implementation; null = <see cref="InferenceOptions.FlashAttention"/>: false → eager, true → flash_attention_2, unset → sdpa.</summary>
    public TransformersAttention? Attention { get; init; }

    /// <summary>generate (default) or a plain forward pass.</summary>
    public TransformersRun Run { get; init; } = TransformersRun.Generate;

    /// <summary>Bytes per element of the load dtype (<c>dtype=</c>): 2 for BF16/FP16, 4 for FP32; null = "auto", the checkpoint's own.</summary>
    public int? DtypeBytes { get; init; }

    /// <summary><c>do_sample=True</c> with top-k/top-p: the logits processors sort the vocabulary. Off in transformers' default GenerationConfig.</summary>
    public bool DoSample { get; init; }

    /// <summary>CUDA context and cuBLAS workspace of the PyTorch process, bytes (512 MiB by default).</summary>
    public long CudaContextBytes { get; init; } = TransformersProfile.DefaultCudaContextBytes;
}
