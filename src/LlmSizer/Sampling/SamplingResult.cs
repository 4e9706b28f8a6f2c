namespace LlmSizer.Sampling;

/// <summary>What a pipeline did: the settings used, each applied stage in order (the input first), and the final distribution.</summary>
/// <param name="Order">The stages in the order they ran, switched-off ones included.</param>
/// <param name="Stages">The input, then each stage that changed something (a non-neutral setting).</param>
/// <param name="Ignored">Settings the engine has no stage for, which were not applied.</param>
public sealed record SamplingResult(
    SamplingEngineProfile Engine,
    SamplingSettings Settings,
    IReadOnlyList<SamplingStage> Order,
    IReadOnlyList<StageResult> Stages,
    SampledDistribution Final,
    IReadOnlyList<string> Ignored)
{
    /// <summary>The result after <paramref name="stage"/>, or null when it did not run.</summary>
    public StageResult? After(SamplingStage stage) => Stages.LastOrDefault(s => s.Stage == stage);
}
