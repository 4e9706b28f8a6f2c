using LlmSizer.Inference;

namespace LlmSizer.Training;

/// <summary>What a line of a training estimate is for.</summary>
public enum TrainingMemoryCategory
{
    /// <summary>Weights: trainable working copies, frozen base weights, adapters, autocast copies, gathered ZeRO-3 parameters.</summary>
    Weights,
    Gradients,
    /// <summary>Optimizer states and the fp32 master weights.</summary>
    Optimizer,
    /// <summary>Activations kept for backward, logits and loss, transient buffers.</summary>
    Activations,
    /// <summary>CUDA context and other runtime overhead.</summary>
    Overhead,
}

/// <summary>Where a line's bytes live.</summary>
public enum TrainingLocation
{
    /// <summary>Each GPU of the most loaded pipeline stage holds this much.</summary>
    Gpu,
    /// <summary>Host RAM of one node (every rank of the node together).</summary>
    Cpu,
    /// <summary>NVMe of one node (ZeRO-Infinity).</summary>
    Nvme,
}

/// <summary>One line of a training estimate: bytes, the formula with its numbers, the inputs and the rule's source.</summary>
public sealed record TrainingItem(
    string Name,
    TrainingMemoryCategory Category,
    TrainingLocation Location,
    long Bytes,
    string Formula,
    IReadOnlyList<EstimateInput> Inputs,
    string Source);
