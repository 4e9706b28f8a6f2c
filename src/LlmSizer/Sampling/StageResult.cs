namespace LlmSizer.Sampling;

/// <summary>
/// The distribution after one stage: how many tokens survive, its entropy (nats) and effective number of candidates
/// (perplexity, e^H), its most probable tokens renormalized over the survivors, and the logits' largest and second-largest
/// values (for explaining temperature).
/// </summary>
/// <param name="Setting">The stage's setting as text, e.g. "0.8" or "40".</param>
/// <param name="Top">The most probable survivors, probability descending, ties by lower id.</param>
public sealed record StageResult(SamplingStage Stage, string Setting, int Survivors, double EntropyNats, IReadOnlyList<TokenProbability> Top)
{
    /// <summary>e^H: the number of equally likely tokens with the same entropy.</summary>
    public double EffectiveCandidates => Math.Exp(EntropyNats);

    public string Name => SamplingStageNames.Name(Stage);
}
