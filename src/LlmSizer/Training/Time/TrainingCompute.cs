namespace LlmSizer.Training.Time;

/// <summary>
/// Floating-point operations of a whole training run (forward and backward over every token), in FLOPs.
/// </summary>
/// <param name="ModelFlops">What the model itself needs, recomputation left out: the numerator of MFU.</param>
/// <param name="HardwareFlops">What the GPUs execute, recomputed forwards included: the numerator of HFU; equals
/// <paramref name="ModelFlops"/> without recomputation.</param>
/// <param name="Formula">How the per-token figures were composed, with the numbers.</param>
public sealed record TrainingCompute(double ModelFlops, double HardwareFlops, string Formula);
