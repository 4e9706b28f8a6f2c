using System.Globalization;

namespace LlmSizer.Sampling;

/// <summary>
/// Runs the sampler stages over a distribution in an engine's order and records the distribution after each. Pure: the
/// input is not changed. Survivors are renormalized at every stage (each stage sees probabilities over what is left).
/// </summary>
public static class SamplingPipeline
{
    /// <summary>How many of the most probable tokens each <see cref="StageResult"/> lists by default.</summary>
    public const int DefaultShown = 20;

    /// <summary>Runs <paramref name="settings"/> in <paramref name="engine"/>'s order; settings are validated first (<see cref="SamplingSettings.Validate"/>).</summary>
    public static SamplingResult Run(TokenLogits input, SamplingSettings settings, SamplingEngineProfile engine, int shown = DefaultShown) =>
        Run(input, settings, engine, engine.Order, shown);

    /// <summary>
    /// Runs the stages in <paramref name="order"/> instead of the engine's (the engine still decides the penalty window and
    /// what is unsupported): what-if orders for explanations and tests.
    /// </summary>
    public static SamplingResult Run(TokenLogits input, SamplingSettings settings, SamplingEngineProfile engine, IReadOnlyList<SamplingStage> order, int shown = DefaultShown)
    {
        settings.Validate(input.Count);
        var ignored = engine.Ignored(settings);
        var effective = settings with
        {
            PresencePenalty = ignored.Contains("presence penalty") ? 0 : settings.PresencePenalty,
            FrequencyPenalty = ignored.Contains("frequency penalty") ? 0 : settings.FrequencyPenalty,
            TypicalP = ignored.Contains("typical-p") ? 1.0 : settings.TypicalP,
        };
        using var set = CandidateSet.From(input);
        var stages = new List<StageResult> { Snapshot(set, SamplingStage.Input, "", shown) };
        foreach (var stage in order)
        {
            if (!Apply(set, stage, effective, engine.PenaltyLastTokens))
                continue;
            stages.Add(Snapshot(set, stage, Setting(stage, effective, engine), shown));
        }
        return new SamplingResult(engine, effective, order, stages, SampledDistribution.From(set), ignored);
    }

    /// <summary>Applies one stage; false when its setting is neutral and nothing happens.</summary>
    private static bool Apply(CandidateSet set, SamplingStage stage, SamplingSettings s, int? penaltyWindow)
    {
        switch (stage)
        {
            case SamplingStage.Penalties:
                if (!s.HasPenalties || s.PreviousTokens.Count == 0)
                    return false;
                var window = penaltyWindow is { } n && s.PreviousTokens.Count > n ? s.PreviousTokens.Skip(s.PreviousTokens.Count - n).ToList() : s.PreviousTokens;
                PenaltyStage.Apply(set, s.RepetitionPenalty, s.PresencePenalty, s.FrequencyPenalty, window);
                return true;
            case SamplingStage.Temperature:
                if (s.Temperature == 1)
                    return false;
                TemperatureStage.Apply(set, s.Temperature);
                return true;
            case SamplingStage.TopK:
                if (s.TopK == 0)
                    return false;
                TopKStage.Apply(set, s.TopK);
                return true;
            case SamplingStage.TopP:
                if (s.TopP >= 1)
                    return false;
                TopPStage.Apply(set, s.TopP);
                return true;
            case SamplingStage.MinP:
                if (s.MinP <= 0)
                    return false;
                MinPStage.Apply(set, s.MinP);
                return true;
            case SamplingStage.TypicalP:
                if (s.TypicalP >= 1)
                    return false;
                TypicalPStage.Apply(set, s.TypicalP);
                return true;
            default:
                return false;
        }
    }

    private static string Setting(SamplingStage stage, SamplingSettings s, SamplingEngineProfile engine) => stage switch
    {
        SamplingStage.Penalties => string.Join(", ", new[]
        {
            s.RepetitionPenalty != 1 ? $"repetition {Num(s.RepetitionPenalty)}" : null,
            s.PresencePenalty != 0 ? $"presence {Num(s.PresencePenalty)}" : null,
            s.FrequencyPenalty != 0 ? $"frequency {Num(s.FrequencyPenalty)}" : null,
        }.OfType<string>()) + $" over {Math.Min(s.PreviousTokens.Count, engine.PenaltyLastTokens ?? int.MaxValue)} previous tokens",
        SamplingStage.Temperature => s.Temperature == 0 ? "0 (greedy)" : Num(s.Temperature),
        SamplingStage.TopK => s.TopK.ToString(CultureInfo.InvariantCulture),
        SamplingStage.TopP => Num(s.TopP),
        SamplingStage.MinP => Num(s.MinP),
        SamplingStage.TypicalP => Num(s.TypicalP),
        _ => "",
    };

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static StageResult Snapshot(CandidateSet set, SamplingStage stage, string setting, int shown)
    {
        var (lse, entropy) = LogSumExp.Summary(set.Logits);
        int[] best = set.TopIndices(shown);
        var top = new TokenProbability[best.Length];
        var ids = set.Ids;
        var logits = set.Logits;
        for (int i = 0; i < best.Length; i++)
            top[i] = new TokenProbability(ids[best[i]], Math.Exp(logits[best[i]] - lse));
        return new StageResult(stage, setting, set.Count, entropy, top);
    }
}
