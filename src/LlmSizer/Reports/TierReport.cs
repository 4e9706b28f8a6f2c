using LlmSizer.Formats;
using LlmSizer.Hardware.Fit;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;

namespace LlmSizer.Reports;

/// <summary>
/// What <c>llmsizer fit MODEL --tiers</c> shows: for each hardware tier (desktop GPU, laptop GPU, Mac, workstation, server, CPU)
/// the cheapest catalog option that runs the model entirely, and the cheapest tier. Bytes; context in tokens.
/// </summary>
/// <param name="CheapestTier">The id of the first tier that runs it (GPU tiers before the CPU tier); null when none does.</param>
public sealed record TierReport(ModelInfo Model, string Engine, string WeightsNote, int ContextTokens, IReadOnlyList<TierRow> Tiers, string? CheapestTier, IReadOnlyList<string> Notes)
{
    public static TierReport Build(ModelSource source, InferenceOptions options, IEnumerable<HardwareTier>? tiers = null, long? marginBytes = null)
    {
        var fits = TierPlanner.Plan(source, options, tiers, marginBytes);
        var (_, weightsNote) = InferenceEstimator.Weights(source, source.Model.Spec!, options);
        int context = InferenceEstimator.Estimate(source, options).ContextTokens;
        return new TierReport(ModelInfo.From(source.Model), EstimateReport.EngineName(options.Engine), weightsNote, context,
            fits.Select(TierRow.From).ToList(), TierPlanner.Cheapest(fits)?.Tier.Id,
            ["tiers run from the cheapest memory for the money (consumer desktop cards) to the dearest (a GPU server); within a tier the option is the fewest devices, "
                + "then the least memory bought, then the faster memory; the CPU tier counts only when no GPU tier runs the model"]);
    }
}

/// <summary>One tier: what it stands for, how many of one device it allows, and its cheapest option (null: none of its machines runs the model).</summary>
public sealed record TierRow(string Id, string Name, string Description, int MaxCount, bool Accelerated, FitRankingRow? Cheapest)
{
    public static TierRow From(TierFit fit) => new(fit.Tier.Id, fit.Tier.Name, fit.Tier.Description, fit.Tier.MaxCount, fit.Tier.Accelerated,
        fit.Cheapest is { } c ? FitRankingRow.From(c) : null);
}
