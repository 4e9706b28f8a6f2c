using LlmSizer.Models;

namespace LlmSizer.Formats;

/// <summary>
/// A model's parameter counts, from its weights file when one was read (exact by construction) or else from its
/// architecture. <see cref="Active"/> includes the embedding matrix; for a weights file of a mixture of experts it is
/// the file's total less the experts a token does not use, as the architecture says.
/// </summary>
/// <param name="FromWeights">True when the counts come from a weights file's tensors.</param>
/// <param name="Counted">The count from the architecture, with its per-layer components; null when there is no architecture.</param>
public sealed record ModelParameters(
    long Total,
    long Active,
    ParameterBreakdown Breakdown,
    ParameterBreakdown ActiveBreakdown,
    bool FromWeights,
    ParameterCount? Counted)
{
    public static ModelParameters FromSpec(ModelSpec spec)
    {
        var count = ParameterCounter.Count(spec);
        return new(count.Total, count.Active, count.Breakdown, count.ActiveBreakdown, false, count);
    }

    public static ModelParameters FromInventory(TensorInventory inventory, ModelSpec? spec)
    {
        var count = spec is null ? null : ParameterCounter.Count(spec);
        var breakdown = inventory.Breakdown;
        long inactive = count is null ? 0 : count.Total - count.Active;
        var active = breakdown with { Mlp = Math.Max(0, breakdown.Mlp - inactive) };
        return new(inventory.Parameters, active.Total, breakdown, active, true, count);
    }
}
