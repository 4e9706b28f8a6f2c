namespace LlmSizer.Hardware.Fit;

/// <summary>One row of a ranked fit: <paramref name="Count"/> of <paramref name="Device"/> run the model entirely on them, the busiest holding <paramref name="UsedBytesPerDevice"/> bytes.</summary>
public sealed record RankedFit(DeviceSpec Device, int Count, long UsedBytesPerDevice, FitPlan Plan);
