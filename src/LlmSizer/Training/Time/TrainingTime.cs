namespace LlmSizer.Training.Time;

/// <summary>How long a training run takes and what it costs.</summary>
/// <param name="GpuHours">GPU-hours: FLOPs / (peak FLOP/s per GPU × utilisation) / 3600.</param>
/// <param name="WallClockHours">Hours on the clock with all GPUs busy: <paramref name="GpuHours"/> / GPUs.</param>
/// <param name="Days">Wall-clock days (24-hour).</param>
/// <param name="CostUsd">US dollars at the given price per GPU-hour; null when no price was given.</param>
/// <param name="Formula">The arithmetic, with the numbers.</param>
public sealed record TrainingTime(double GpuHours, double WallClockHours, double Days, double? CostUsd, string Formula);
