using LlmSizer.Training.Activations;

namespace LlmSizer.Training;

/// <summary>Everything a training estimate depends on; defaults are what a first fine-tune usually uses, and all are printed.</summary>
public sealed record TrainingOptions
{
    public TrainingMethod Method { get; init; } = TrainingMethod.Full;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Mixed;

    /// <summary>LoRA rank r (LoRA and QLoRA).</summary>
    public int LoraRank { get; init; } = 8;

    public LoraTargets LoraTargets { get; init; } = LoraTargets.Default;

    /// <summary>Tokens per sequence.</summary>
    public int SequenceTokens { get; init; } = 2048;

    /// <summary>Sequences per micro-batch per data-parallel rank.</summary>
    public int MicroBatch { get; init; } = 1;

    /// <summary>Micro-batches accumulated per optimizer step (fills the pipeline's first stage when pipelining).</summary>
    public int GradientAccumulation { get; init; } = 1;

    public Recomputation Recompute { get; init; } = Recomputation.None;

    public AttentionKernel Attention { get; init; } = AttentionKernel.Flash;

    /// <summary>Cross-entropy computed in chunks (torchtune, Liger) instead of upcasting all logits to fp32 at once.</summary>
    public bool ChunkedLoss { get; init; }

    /// <summary>The optimizer steps each parameter during backward and frees its gradient at once (torchtune <c>optimizer_in_bwd</c>).</summary>
    public bool OptimizerInBackward { get; init; }

    public ParallelLayout Layout { get; init; } = new();

    /// <summary>Training tokens for the time estimate; null = 20 × parameters (Chinchilla).</summary>
    public double? Tokens { get; init; }

    /// <summary>Model FLOPs utilization for the time estimate.</summary>
    public double ModelFlopsUtilization { get; init; } = 0.4;

    /// <summary>Price of one GPU-hour in US dollars, for the cost line; null = no cost.</summary>
    public double? PricePerGpuHourUsd { get; init; }
}
