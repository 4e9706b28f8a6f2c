using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Inference;
using LlmSizer.Training;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer train</c> shows, as data: parameters, memory per GPU and per node, GPU count, line items, rules of thumb, time and checkpoints.</summary>
public sealed record TrainReport(
    ModelInfo Model,
    string Method,
    IReadOnlyList<EstimateInput> Settings,
    TrainParameters Parameters,
    TrainMemory Memory,
    TrainGpus Gpus,
    IReadOnlyList<TrainLine> Items,
    TrainQuickEstimates QuickEstimates,
    TrainCompute Compute,
    CheckpointSizes Checkpoint,
    IReadOnlyList<string> Notes)
{
    public static TrainReport Build(ModelSource source, TrainingOptions options, DeviceSpec? device, bool gpusGiven)
    {
        var spec = source.Model.Spec ?? throw new UsageException(
            $"{source.Model.Id}: its architecture is not one LlmSizer maps, so training memory cannot be estimated; 'llmsizer inspect' still counts its tensors");
        var plan = TrainingPlanner.Plan(spec, options, device, gpusGiven);
        var e = plan.Estimate;
        var g = plan.Gpus;
        var ds = plan.DeepSpeed;
        var quick = new TrainQuickEstimates(e.QuickEstimate.Bytes, e.QuickEstimate.Formula, e.QuickEstimate.Assumes, g.RuleOfThumb, g.RuleOfThumbFormula,
            ds is null ? null : new DeepSpeedRow(ds.GpuBytes, ds.CpuBytes, ds.FormatRow().Trim()));
        var t = plan.Time;
        return new TrainReport(
            ModelInfo.From(source.Model),
            options.Method.ToString().ToLowerInvariant(),
            e.Settings,
            new TrainParameters(e.TotalParameters, e.TrainableParameters, 100.0 * e.TrainableParameters / (e.TotalParameters + (options.Method == TrainingMethod.Full ? 0 : e.TrainableParameters))),
            new TrainMemory(e.PerGpuBytes, e.TotalGpuBytes, e.CpuBytesPerNode, e.NvmeBytesPerNode,
                e.GpuBytesOf(TrainingMemoryCategory.Weights), e.GpuBytesOf(TrainingMemoryCategory.Gradients), e.GpuBytesOf(TrainingMemoryCategory.Optimizer),
                e.GpuBytesOf(TrainingMemoryCategory.Activations), e.GpuBytesOf(TrainingMemoryCategory.Overhead)),
            new TrainGpus(g.Count, g.CountGiven, g.Device?.Name, g.Device?.UsableMemoryBytes, g.Fits, g.Minimum, g.MinimumNote),
            e.Items.Select(i => new TrainLine(i.Name, InspectReport.Camel(i.Category.ToString()), i.Location.ToString().ToUpperInvariant(), i.Bytes, i.Formula, i.Inputs, i.Source)).ToList(),
            quick,
            new TrainCompute(plan.Tokens, plan.Compute.ModelFlops, plan.Compute.HardwareFlops, plan.Compute.Formula, plan.TimeDevice.Name, plan.TimeDevice.Fp16Flops,
                options.ModelFlopsUtilization, t.GpuHours, t.WallClockHours, t.Days, t.CostUsd, t.Formula),
            e.Checkpoint,
            [.. e.Notes, .. plan.Notes]);
    }
}

/// <summary>Parameters (elements): the base model's, those that train, and the trainable share of all parameters held (base + adapters), in percent.</summary>
public sealed record TrainParameters(long Total, long Trainable, double TrainablePercent);

/// <summary>
/// Memory, bytes: one GPU of the most loaded stage (<see cref="PerGpuBytes"/>, split by category below), all GPUs together,
/// and per node what offload puts in RAM or on NVMe.
/// </summary>
public sealed record TrainMemory(
    long PerGpuBytes,
    long TotalBytes,
    long CpuBytesPerNode,
    long NvmeBytesPerNode,
    long WeightsBytes,
    long GradientsBytes,
    long OptimizerBytes,
    long ActivationsBytes,
    long OverheadBytes);

/// <summary>GPU count and fit: the count used, whether it was given, the device, its usable memory, whether one GPU's share fits, and the fewest that fit.</summary>
public sealed record TrainGpus(int Count, bool CountGiven, string? Device, long? UsableBytesPerGpu, bool? Fits, int? Minimum, string? MinimumNote);

/// <summary>One line item of a training estimate; <see cref="Location"/> is GPU (per GPU), CPU or NVME (per node).</summary>
public sealed record TrainLine(string Name, string Category, string Location, long Bytes, string Formula, IReadOnlyList<EstimateInput> Inputs, string Source);

/// <summary>The rules of thumb shown beside the precise figures: model states <c>(x + y + 12) × N</c> and <c>GPUs ≈ P(B) × 18 × 1.25 / GB</c>.</summary>
/// <see cref="DeepSpeed"/> is DeepSpeed's own estimator for the same ZeRO-2/3 settings, when it applies.
public sealed record TrainQuickEstimates(long ModelStatesBytes, string ModelStatesFormula, string ModelStatesAssumes, int? Gpus, string? GpusFormula, DeepSpeedRow? DeepSpeed);

/// <summary>
/// DeepSpeed's <c>estimate_zero{2,3}_model_states_mem_needs</c> for these settings (current code): model states per GPU and host RAM
/// per node, bytes, and the row as DeepSpeed prints it ("GB" there means 2^30 bytes).
/// </summary>
public sealed record DeepSpeedRow(long GpuBytes, long CpuBytesPerNode, string Printed);

/// <summary>Training compute and time: tokens, model and hardware FLOPs, the device and its peak, MFU, GPU-hours, hours, days and cost.</summary>
public sealed record TrainCompute(
    double Tokens,
    double ModelFlops,
    double HardwareFlops,
    string Formula,
    string Device,
    double PeakFlopsPerGpu,
    double ModelFlopsUtilization,
    double GpuHours,
    double WallClockHours,
    double Days,
    double? CostUsd,
    string TimeFormula);
