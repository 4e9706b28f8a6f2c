using LlmSizer.Reports;

namespace LlmSizer.Requests;

/// <summary>What a fit request answers; exactly one is set: <paramref name="Report"/> for a device, <paramref name="Ranking"/> without one, <paramref name="Tiers"/> per tier.</summary>
public sealed record FitOutcome(FitReport? Report, FitRanking? Ranking, TierReport? Tiers);
