namespace LlmSizer.Training.Activations;

/// <summary>How attention is computed, which decides whether the s × s score matrix is saved for the backward pass.</summary>
public enum AttentionKernel
{
    /// <summary>
    /// A fused kernel (FlashAttention-2/3, PyTorch SDPA's flash or memory-efficient backend): no score matrix is stored; the
    /// kernel keeps Q, K, V, its output and one fp32 logsumexp per head and token.
    /// </summary>
    Flash,

    /// <summary>
    /// transformers' <c>eager</c> attention: the scores are materialised, the softmax runs in fp32 and is cast back to the
    /// activation type; both copies are saved (softmax backward needs its fp32 output, the value matmul its e-byte input).
    /// </summary>
    Eager,
}
