using System.Globalization;
using LlmSizer.Errors;

namespace LlmSizer.Training.Time;

/// <summary>
/// Training time from a FLOP count: time = FLOPs / (GPUs × peak FLOP/s × utilisation) (Narayanan et al. 2021, §5.1, with the
/// achieved rate X = peak × utilisation). It knows nothing of pipeline bubbles, exposed communication, restarts, evaluation or
/// checkpointing beyond what the utilisation figure absorbs.
/// </summary>
public static class TrainingTimeEstimator
{
    /// <summary>
    /// Time for <paramref name="flops"/> FLOPs on <paramref name="gpus"/> GPUs of <paramref name="peakFlopsPerGpu"/> dense FLOP/s
    /// each (e.g. <c>DeviceSpec.Fp16Flops</c>) at <paramref name="modelFlopsUtilization"/> in (0, 1]. Pass model FLOPs with MFU,
    /// or hardware FLOPs (recomputation included) with HFU; mixing them counts recomputation twice or not at all.
    /// </summary>
    public static TrainingTime Estimate(double flops, int gpus, double peakFlopsPerGpu, double modelFlopsUtilization = 0.4,
        double? pricePerGpuHourUsd = null)
    {
        if (!double.IsFinite(flops) || flops < 0)
            throw new UsageException($"training time: flops must be a finite number of at least 0, got {flops.ToString(CultureInfo.InvariantCulture)}");
        if (gpus < 1)
            throw new UsageException($"training time: gpus must be at least 1, got {gpus}");
        if (!double.IsFinite(peakFlopsPerGpu) || peakFlopsPerGpu <= 0)
            throw new UsageException($"training time: peakFlopsPerGpu must be a positive FLOP/s figure, got {peakFlopsPerGpu.ToString(CultureInfo.InvariantCulture)}");
        if (!double.IsFinite(modelFlopsUtilization) || modelFlopsUtilization <= 0 || modelFlopsUtilization > 1)
            throw new UsageException(
                $"training time: modelFlopsUtilization must be a fraction in (0, 1] (0.4 = 40% of peak), got {modelFlopsUtilization.ToString(CultureInfo.InvariantCulture)}");
        if (pricePerGpuHourUsd is { } price && (!double.IsFinite(price) || price < 0))
            throw new UsageException($"training time: pricePerGpuHourUsd must be a finite amount of at least 0, got {price.ToString(CultureInfo.InvariantCulture)}");

        double achievedFlopsPerGpu = peakFlopsPerGpu * modelFlopsUtilization;
        double gpuHours = flops / achievedFlopsPerGpu / 3600;
        double wallClockHours = gpuHours / gpus;
        double? cost = pricePerGpuHourUsd * gpuHours;
        string formula =
            FormattableString.Invariant($"GPU-hours = {flops:0.###e+0} FLOPs / ({peakFlopsPerGpu:0.###e+0} FLOP/s × {modelFlopsUtilization:0.###}) / 3600 s = {gpuHours:N0}; ") +
            FormattableString.Invariant($"wall clock = {gpuHours:N0} / {gpus} GPUs = {wallClockHours:N1} h ({wallClockHours / 24:N1} days)") +
            (cost is { } c ? FormattableString.Invariant($"; cost = {gpuHours:N0} × ${pricePerGpuHourUsd:0.###} = ${c:N0}") : "");
        return new TrainingTime(gpuHours, wallClockHours, wallClockHours / 24, cost, formula);
    }
}
