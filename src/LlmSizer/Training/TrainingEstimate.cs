using LlmSizer.Inference;

namespace LlmSizer.Training;

/// <summary>
/// Training memory of one model under one layout: line items per GPU (the most loaded pipeline stage) and per node (offloaded
/// state), parameter counts, the rules of thumb beside the precise figures, and checkpoint sizes. Bytes throughout.
/// </summary>
/// <param name="TotalParameters">Parameters of the base model (adapters not included).</param>
/// <param name="TrainableParameters">Parameters that receive gradients: all of them for a full fine-tune, the adapters for LoRA.</param>
/// <param name="TotalGpuBytes">GPU memory of all GPUs together (each stage's per-GPU bytes × its GPUs).</param>
/// <param name="Settings">Every setting used, defaults included.</param>
public sealed record TrainingEstimate(
    long TotalParameters,
    long TrainableParameters,
    IReadOnlyList<EstimateInput> Settings,
    IReadOnlyList<TrainingItem> Items,
    long TotalGpuBytes,
    RuleOfThumb QuickEstimate,
    CheckpointSizes Checkpoint,
    IReadOnlyList<string> Notes)
{
    /// <summary>Memory of one GPU of the most loaded stage.</summary>
    public long PerGpuBytes => Sum(TrainingLocation.Gpu);

    /// <summary>Host RAM of one node taken by offloaded state (0 without offload).</summary>
    public long CpuBytesPerNode => Sum(TrainingLocation.Cpu);

    /// <summary>NVMe of one node taken by offloaded state (ZeRO-Infinity).</summary>
    public long NvmeBytesPerNode => Sum(TrainingLocation.Nvme);

    /// <summary>GPU bytes of one category on one GPU.</summary>
    public long GpuBytesOf(TrainingMemoryCategory category) =>
        Items.Where(i => i.Location == TrainingLocation.Gpu && i.Category == category).Sum(i => i.Bytes);

    private long Sum(TrainingLocation location) => Items.Where(i => i.Location == location).Sum(i => i.Bytes);
}

/// <summary>
/// The quick rule <c>(x + y + 12) × N</c> bytes: x bytes per weight, y per gradient and 12 for AdamW's fp32 master copy, m and v,
/// with nothing sharded and no activations.
/// </summary>
public sealed record RuleOfThumb(int WeightBytes, int GradientBytes, long Parameters, long Bytes, string Formula, string Assumes);

/// <summary>Checkpoint sizes on disk, bytes: the weights alone (or the adapter), and everything needed to resume.</summary>
/// <param name="WeightsBytes">What inference needs: bf16 weights of the whole model, or a LoRA adapter file.</param>
/// <param name="WithOptimizerBytes">Weights plus fp32 master weights and optimizer states (resuming a run).</param>
public sealed record CheckpointSizes(long WeightsBytes, string WeightsFormula, long WithOptimizerBytes, string WithOptimizerFormula);
