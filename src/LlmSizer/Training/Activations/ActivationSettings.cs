namespace LlmSizer.Training.Activations;

/// <summary>
/// The training run shape that decides activation memory: tokens per sequence, micro-batch, recomputation, attention kernel,
/// tensor/sequence/pipeline parallelism, activation precision, the loss implementation and, for LoRA, which linears train.
/// </summary>
public sealed record ActivationSettings
{
    /// <summary>Linear modules that <see cref="TrainableLinears"/> may name.</summary>
    public static IReadOnlyList<string> LinearNames { get; } = ["q", "k", "v", "o", "gate", "up", "down", "lm_head"];

    /// <summary>Tokens per sequence (s).</summary>
    public required int SequenceTokens { get; init; }

    /// <summary>Sequences per micro-batch (b).</summary>
    public required int MicroBatch { get; init; }

    public Recomputation Recompute { get; init; } = Recomputation.None;

    public AttentionKernel Attention { get; init; } = AttentionKernel.Flash;

    /// <summary>Tensor-parallel degree (t); it must divide the attention heads.</summary>
    public int TensorParallel { get; init; } = 1;

    /// <summary>Megatron sequence parallelism: the tensors tensor parallelism replicates are split by t along the tokens too.</summary>
    public bool SequenceParallel { get; init; }

    /// <summary>Pipeline-parallel degree (p); the first stage holds ceil(layers / p) layers.</summary>
    public int PipelineParallel { get; init; } = 1;

    /// <summary>Micro-batches whose activations the first stage holds at once: 1F1B keeps min(p, accumulation steps).</summary>
    public int MicroBatchesInFlight { get; init; } = 1;

    /// <summary>Bytes per activation element (e): 2 for bf16/fp16 training, 4 for fp32.</summary>
    public int ActivationBytes { get; init; } = 2;

    /// <summary>
    /// Chunked or fused cross-entropy (torchtune's <c>CEWithChunkedOutputLoss</c>, Liger): the fp32 copy of the logits exists
    /// for one chunk of tokens at a time instead of all of them.
    /// </summary>
    public bool ChunkedLoss { get; init; }

    /// <summary>Token chunks of a chunked loss (torchtune's default <c>num_output_chunks</c> is 8).</summary>
    public int LossChunks { get; init; } = 8;

    /// <summary>
    /// Null for full fine-tuning (every weight trains). Otherwise LoRA: the adapted linears, among <see cref="LinearNames"/>.
    /// A frozen linear without an adapter saves no input for the backward pass.
    /// </summary>
    public IReadOnlySet<string>? TrainableLinears { get; init; }

    /// <summary>LoRA rank r: the width of the intermediate each adapter saves (PEFT's default is 8).</summary>
    public int LoraRank { get; init; } = 8;
}
