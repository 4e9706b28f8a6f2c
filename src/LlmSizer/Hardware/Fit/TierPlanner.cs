using LlmSizer.Formats;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;

namespace LlmSizer.Hardware.Fit;

/// <summary>
/// Which kind of hardware runs a model: for each tier its cheapest option — <see cref="FitPlanner.Rank"/> over the tier's devices
/// up to the tier's count, first row: the fewest devices, then the least memory bought, then the faster — and the cheapest tier.
/// Pure.
/// </summary>
public static class TierPlanner
{
    /// <summary>Each of <paramref name="tiers"/> (default: the embedded <see cref="HardwareTiers.All"/>) with its cheapest option, in the tiers' order.</summary>
    public static IReadOnlyList<TierFit> Plan(ModelSource source, InferenceOptions options, IEnumerable<HardwareTier>? tiers = null, long? marginBytes = null) =>
        (tiers ?? HardwareTiers.All)
            .Select(t => new TierFit(t, FitPlanner.Rank(source, options, t.Devices, t.MaxCount, marginBytes).FirstOrDefault()))
            .ToList();

    /// <summary>
    /// The first tier (tiers run from the cheapest memory for the money to the dearest) whose option runs the model, preferring any
    /// accelerated tier to the CPU tier; null when none does.
    /// </summary>
    public static TierFit? Cheapest(IReadOnlyList<TierFit> fits) =>
        fits.FirstOrDefault(f => f.Tier.Accelerated && f.Cheapest is not null) ?? fits.FirstOrDefault(f => f.Cheapest is not null);
}
