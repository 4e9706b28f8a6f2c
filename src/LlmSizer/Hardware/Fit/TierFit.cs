using LlmSizer.Hardware.Tiers;

namespace LlmSizer.Hardware.Fit;

/// <summary>A tier's cheapest option that runs the model entirely (<see cref="FitPlanner.Rank"/>'s first over the tier's devices); null when none of its machines does.</summary>
public sealed record TierFit(HardwareTier Tier, RankedFit? Cheapest);
