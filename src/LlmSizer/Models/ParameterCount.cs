namespace LlmSizer.Models;

/// <summary>
/// Exact parameter counts of a model. <see cref="Active"/> is what one token passes through:
/// equal to <see cref="Total"/> for dense models; for MoE it counts the routed experts a token uses
/// and includes the embedding matrix (as Mixtral's 12.9B and Qwen3-30B-A3B's 3.3B do).
/// </summary>
public sealed record ParameterCount(
    IReadOnlyList<ParameterComponent> Components,
    IReadOnlyList<ParameterComponent> ReportedApart)
{
    public ParameterBreakdown Breakdown { get; } = ParameterBreakdown.Sum(Components, active: false);

    public ParameterBreakdown ActiveBreakdown { get; } = ParameterBreakdown.Sum(Components, active: true);

    public long Total => Breakdown.Total;

    public long Active => ActiveBreakdown.Total;

    /// <summary>Parameters stored beside the main model but not part of its published count (DeepSeek-V3's MTP module).</summary>
    public long ReportedApartTotal => ReportedApart.Sum(c => c.Total);
}
