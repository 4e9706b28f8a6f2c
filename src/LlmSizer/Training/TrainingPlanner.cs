using System.Globalization;
using LlmSizer.Hardware;
using LlmSizer.Models;
using LlmSizer.Training.Time;
using LlmSizer.Units;

namespace LlmSizer.Training;

/// <summary>
/// Turns a training estimate into a plan: the fewest GPUs of a device that hold one GPU's share under the chosen layout, the
/// rule of thumb beside it, and the run's FLOPs and time (docs/METHOD.md, "Training: GPU count and time").
/// </summary>
public static class TrainingPlanner
{
    /// <summary>Larger runs than this many GPUs are not searched.</summary>
    public const int MaxGpus = 1 << 20;

    /// <summary>The device a time estimate assumes when none is given.</summary>
    public const string DefaultTimeDevice = "h100-sxm";

    /// <param name="device">The GPU to fit on; null to size the layout as given without a fit check.</param>
    /// <param name="gpusGiven">Whether <see cref="ParallelLayout.Gpus"/> was chosen by the user; otherwise, with a device, the fewest that fit are searched.</param>
    public static TrainingPlan Plan(ModelSpec spec, TrainingOptions options, DeviceSpec? device, bool gpusGiven)
    {
        var notes = new List<string>();
        int? minimum = null;
        string? minimumNote = null;
        if (device is not null)
            (minimum, minimumNote) = Minimum(spec, options, device);
        var layout = options.Layout;
        if (device is not null && !gpusGiven && minimum is { } n)
            options = options with { Layout = layout with { Gpus = n } };
        else if (!gpusGiven)
            options = options with { Layout = layout with { Gpus = layout.TensorParallel * layout.PipelineParallel * layout.ExpertParallel } };
        var estimate = TrainingEstimator.Estimate(spec, options);
        bool? fits = device is null ? null : Fits(estimate, device);

        var (rule, ruleFormula) = device is null ? ((int?)null, (string?)null) : RuleOfThumb(estimate.TotalParameters, device);
        var gpus = new GpuCount(options.Layout.Gpus, gpusGiven, device, fits, minimum, minimumNote, rule, ruleFormula);

        double tokens = options.Tokens ?? TrainingFlops.ChinchillaTokens(estimate.TotalParameters);
        if (options.Tokens is null)
            notes.Add($"Training tokens: 20 per parameter (Chinchilla, Hoffmann et al. 2022), {tokens.ToString("0.###e0", CultureInfo.InvariantCulture)}; give --tokens for your run.");
        var compute = TrainingFlops.Narayanan(spec, tokens, options.SequenceTokens, options.Recompute == Activations.Recomputation.Full);
        if (options.Method != TrainingMethod.Full)
        {
            // Frozen weights need no weight gradients: backward computes only the input gradients (2 of its 4 FLOPs per parameter and token).
            compute = compute with
            {
                ModelFlops = compute.ModelFlops * 2 / 3,
                HardwareFlops = compute.HardwareFlops - compute.ModelFlops / 3,
                Formula = compute.Formula + " × 2/3 (frozen weights: backward computes input gradients only)",
            };
        }
        // A GPU given only by its memory (--gpu-memory) has no known compute rate.
        var timeDevice = device is { Fp16Flops: > 0 } ? device : DeviceCatalog.Resolve(DefaultTimeDevice).Device;
        if (timeDevice != device)
            notes.Add($"Time assumes {timeDevice.Name} GPUs ({(timeDevice.Fp16Flops / 1e12).ToString("0", CultureInfo.InvariantCulture)} TFLOP/s dense BF16); give --device for yours.");
        var time = TrainingTimeEstimator.Estimate(compute.ModelFlops, options.Layout.Gpus, timeDevice.Fp16Flops, options.ModelFlopsUtilization, options.PricePerGpuHourUsd);
        return new TrainingPlan(estimate, gpus, compute, tokens, time, timeDevice, DeepSpeedCrossCheck(spec, options, estimate.TotalParameters), notes);
    }

    /// <summary>
    /// DeepSpeed's estimator row for the chosen ZeRO-2/3 settings: it models AdamW full fine-tuning in 16-bit mixed precision only,
    /// so other methods and optimizers get none. Nodes hold <see cref="ParallelLayout.GpusPerNode"/> GPUs each.
    /// </summary>
    public static DeepSpeed.DeepSpeedEstimate? DeepSpeedCrossCheck(ModelSpec spec, TrainingOptions options, long totalParameters)
    {
        var l = options.Layout;
        if (l.ZeroStage < 2 || options.Method != TrainingMethod.Full || options.Optimizer != OptimizerKind.AdamW
            || l.TensorParallel * l.PipelineParallel * l.ExpertParallel != 1 || options.Layout.OffloadTo != OffloadDevice.Cpu)
            return null;
        int perNode = l.RanksPerNode, nodes = (l.Gpus + perNode - 1) / perNode;
        return l.ZeroStage == 2
            ? DeepSpeed.DeepSpeedEstimator.Zero2(totalParameters, perNode, nodes, l.Offload != OffloadKind.None)
            : DeepSpeed.DeepSpeedEstimator.Zero3(totalParameters, TrainingTensor.Of(spec).Max(t => t.Elements), perNode, nodes,
                l.Offload == OffloadKind.Parameters, l.Offload != OffloadKind.None, zeroInit: true);
    }

    /// <summary>Whether one GPU's share fits: everything but the CUDA context against the usable memory (which already reserves it).</summary>
    public static bool Fits(TrainingEstimate estimate, DeviceSpec device) =>
        estimate.PerGpuBytes - estimate.GpuBytesOf(TrainingMemoryCategory.Overhead) <= device.UsableMemoryBytes;

    /// <summary>
    /// The fewest GPUs that fit: GPUs = tensor × pipeline × data-parallel ranks, data-parallel a multiple of the expert-parallel
    /// size. Under ZeRO one GPU's share shrinks as ranks are added, so the search doubles and then bisects; plain DDP replicates
    /// everything, so only the smallest layout can fit.
    /// </summary>
    public static (int? Minimum, string? Note) Minimum(ModelSpec spec, TrainingOptions options, DeviceSpec device)
    {
        var layout = options.Layout;
        int unit = layout.TensorParallel * layout.PipelineParallel * layout.ExpertParallel;
        bool FitsAt(long k) => Fits(TrainingEstimator.Estimate(spec, options with { Layout = layout with { Gpus = checked((int)(k * unit)) } }), device);

        if (FitsAt(1))
            return (unit, null);
        if (layout.ZeroStage == 0 && layout.Offload == OffloadKind.None)
            return (null, "DDP keeps every model state on every GPU, so more GPUs do not help: try --zero 3, --offload, --method lora or qlora, or --tp");
        long high = 2, maxK = MaxGpus / unit;
        while (high <= maxK && !FitsAt(high))
            high *= 2;
        if (high > maxK)
        {
            return FitsAt(maxK)
                ? (Bisect(high / 2, maxK, FitsAt, unit), null)
                : (null, $"no count up to {MaxGpus} GPUs fits: what is not sharded (activations, gathered parameters, the CUDA context) exceeds one GPU; "
                    + "try --recompute full, a smaller --micro-batch or --seq, or --tp");
        }
        return (Bisect(high / 2, high, FitsAt, unit), null);
    }

    private static int Bisect(long failing, long fitting, Func<long, bool> fitsAt, int unit)
    {
        while (fitting - failing > 1)
        {
            long mid = failing + (fitting - failing) / 2;
            if (fitsAt(mid))
                fitting = mid;
            else
                failing = mid;
        }
        return checked((int)(fitting * unit));
    }

    /// <summary>The rule of thumb <c>GPUs ≈ P(B) × 18 × 1.25 / GPU GB</c>: ZeRO-3 model states (18 B per parameter) with a 25% margin.</summary>
    public static (int Gpus, string Formula) RuleOfThumb(long parameters, DeviceSpec device)
    {
        double billions = parameters / 1e9, gb = device.MemoryBytes / 1e9;
        int gpus = (int)Math.Ceiling(billions * 18 * 1.25 / gb);
        return (gpus, $"⌈{billions.ToString("0.##", CultureInfo.InvariantCulture)} × 18 × 1.25 / {gb.ToString("0.#", CultureInfo.InvariantCulture)} GB⌉ = {gpus} "
            + "(ZeRO-3 model states of mixed-precision AdamW, 18 B per parameter, all sharded, 25% for activations and buffers)");
    }
}
