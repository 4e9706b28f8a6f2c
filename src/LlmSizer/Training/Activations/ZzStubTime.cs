// TEMPORARY: replaced by the time helper's files at merge.
using LlmSizer.Models;
namespace LlmSizer.Training.Time;
public sealed record TrainingCompute(double ModelFlops, double HardwareFlops, string Formula);
public static class TrainingFlops
{
    public static TrainingCompute Narayanan(ModelSpec spec, double tokens, int sequenceTokens, bool fullRecompute) => new(6 * 8e9 * tokens, 8 * 8e9 * tokens, "stub");
    public static double ChinchillaTokens(long parameters) => 20.0 * parameters;
}
public sealed record TrainingTime(double GpuHours, double WallClockHours, double Days, double? CostUsd, string Formula);
public static class TrainingTimeEstimator
{
    public static TrainingTime Estimate(double flops, int gpus, double peakFlopsPerGpu, double modelFlopsUtilization = 0.4, double? pricePerGpuHourUsd = null)
    { double h = flops / (gpus * peakFlopsPerGpu * modelFlopsUtilization) / 3600; return new(h * gpus, h, h / 24, pricePerGpuHourUsd * h * gpus, "stub"); }
}
