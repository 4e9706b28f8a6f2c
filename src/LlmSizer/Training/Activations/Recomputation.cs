namespace LlmSizer.Training.Activations;

/// <summary>Activation checkpointing: which saved tensors the backward pass recomputes instead of keeping.</summary>
public enum Recomputation
{
    /// <summary>Every tensor the backward pass needs is kept from the forward pass.</summary>
    None,

    /// <summary>
    /// Korthikanti et al.'s selective recomputation (Megatron <c>--recompute-granularity selective</c>): the attention core
    /// (scores, softmax, its dropout, FlashAttention's logsumexp) is recomputed from the kept Q, K and V.
    /// </summary>
    Selective,

    /// <summary>
    /// Full recomputation (transformers' <c>gradient_checkpointing</c>, Megatron <c>--recompute-granularity full</c>): each
    /// layer keeps only its input and is run again in the backward pass.
    /// </summary>
    Full,
}
