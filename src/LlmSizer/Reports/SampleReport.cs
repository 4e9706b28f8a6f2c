using LlmSizer.Sampling;

namespace LlmSizer.Reports;

/// <summary>
/// What <c>llmsizer sample</c> prints: the engine's stage order and its source, the settings (and which were the engine's
/// defaults), the distribution after each stage, the final one (probability descending), seeded draws against the
/// expected counts, and the explanations that apply. Probabilities are 0–1; entropies in nats.
/// </summary>
/// <param name="Input">Where the distribution came from (a file, or the built-in example).</param>
/// <param name="Order">The engine's stages in order, then "dist" (the draw).</param>
/// <param name="Final">The most probable final tokens (at most the shown count), probability descending, ties by lower id.</param>
/// <param name="FinalSurvivors">How many tokens can be drawn.</param>
public sealed record SampleReport(
    string Engine,
    string Input,
    int VocabularySize,
    IReadOnlyList<string> Order,
    string OrderSource,
    SampleSettings Settings,
    IReadOnlyList<SampleStage> Stages,
    IReadOnlyList<SampleCandidate> Final,
    int FinalSurvivors,
    double EntropyNats,
    double EffectiveCandidates,
    SampleDraws? Draws,
    IReadOnlyList<SampleExplanationItem> Explanations,
    IReadOnlyList<string> Notes)
{
    /// <summary>Runs <paramref name="settings"/> on <paramref name="input"/> in <paramref name="engine"/>'s order and draws <paramref name="draws"/> tokens with <paramref name="seed"/>.</summary>
    /// <param name="defaulted">The settings that were not given and took the engine's default, by option name.</param>
    public static SampleReport Build(TokenLogits input, string inputName, SamplingSettings settings, SamplingEngineProfile engine,
        IReadOnlyList<string> defaulted, int draws, ulong seed, int shown = SamplingPipeline.DefaultShown)
    {
        var result = SamplingPipeline.Run(input, settings, engine, shown);
        var final = result.Final;
        SampleDraws? drawn = null;
        if (draws > 0)
        {
            var d = TokenDraws.Draw(final, draws, seed);
            int listed = Math.Min(shown, final.Count);
            drawn = new SampleDraws(d.Draws, d.Seed, TokenDraws.Generator,
                Enumerable.Range(0, listed).Select(i => new SampleDrawCount(input.Name(final.Tokens[i]), final.Tokens[i], d.Counts[i], draws * final.Probabilities[i])).ToList(),
                d.Counts.Skip(listed).Sum(), draws * (1 - Sum(final.Probabilities[..listed])),
                d.Sequence.Select(input.Name).ToList(), d.ChiSquared, d.DegreesOfFreedom);
        }
        var notes = new List<string>();
        foreach (var ignored in result.Ignored)
            notes.Add($"{engine.Name} has no {ignored}; it was not applied");
        if (engine.PenaltyLastTokens is { } window && settings.PreviousTokens.Count > window && settings.HasPenalties)
            notes.Add($"llama.cpp's penalties look at the last {window} tokens (penalty_last_n); earlier previous tokens were not counted");
        if (engine.Engine == SamplingEngine.LlamaCpp)
            notes.Add("llama.cpp's DRY, top-n-sigma and XTC samplers are in its chain but off by default, and not modelled");
        if (engine.Engine == SamplingEngine.Transformers && settings.Temperature == 0)
            notes.Add("transformers refuses temperature 0 with do_sample=True; greedy decoding there is do_sample=False, which this shows");
        if (input.Count - result.Stages[0].Survivors is > 0 and var zero)
            notes.Add($"{zero:N0} tokens have probability 0 in the input and are never candidates");

        return new SampleReport(
            engine.Name, inputName, input.Count,
            [.. engine.Order.Select(SamplingStageNames.Name), "dist"],
            engine.Source,
            new SampleSettings(result.Settings.Temperature, result.Settings.TopK, result.Settings.TopP, result.Settings.MinP, result.Settings.TypicalP,
                result.Settings.RepetitionPenalty, result.Settings.PresencePenalty, result.Settings.FrequencyPenalty,
                settings.PreviousTokens.Select(input.Name).ToList(), defaulted),
            result.Stages.Select(s => new SampleStage(s.Name, s.Setting, s.Survivors, s.EntropyNats, s.EffectiveCandidates,
                s.Top.Select(t => Candidate(input, t)).ToList())).ToList(),
            Enumerable.Range(0, Math.Min(shown, final.Count)).Select(i => Candidate(input, final[i])).ToList(),
            final.Count, final.EntropyNats, final.EffectiveCandidates, drawn,
            SamplingExplanation.For(input, result).Select(e => new SampleExplanationItem(e.Topic, e.Text)).ToList(),
            notes);
    }

    private static SampleCandidate Candidate(TokenLogits input, TokenProbability t) => new(input.Name(t.Token), t.Token, t.Probability);

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
            sum += v;
        return sum;
    }
}

/// <summary>The settings used. <paramref name="Defaulted"/> names the options not given, which took the engine's defaults.</summary>
public sealed record SampleSettings(double Temperature, int TopK, double TopP, double MinP, double TypicalP, double RepetitionPenalty,
    double PresencePenalty, double FrequencyPenalty, IReadOnlyList<string> PreviousTokens, IReadOnlyList<string> Defaulted);

/// <summary>The distribution after a stage: survivors, entropy (nats), e^entropy, and the most probable candidates renormalized.</summary>
public sealed record SampleStage(string Name, string Setting, int Survivors, double EntropyNats, double EffectiveCandidates, IReadOnlyList<SampleCandidate> Candidates);

/// <summary>A token (its name, or its id as text), its id, and its probability 0–1.</summary>
public sealed record SampleCandidate(string Token, int Id, double Probability);

/// <summary>Seeded draws: per listed token the observed count beside the expected N·p, the rest together, and Pearson's chi-squared.</summary>
public sealed record SampleDraws(int Count, ulong Seed, string Generator, IReadOnlyList<SampleDrawCount> Tokens, int OtherObserved, double OtherExpected,
    IReadOnlyList<string> Sequence, double ChiSquared, int DegreesOfFreedom);

/// <summary>One token's observed draws and expected count N·p.</summary>
public sealed record SampleDrawCount(string Token, int Id, int Observed, double Expected);

/// <summary>An explanation: a stable topic key and its text.</summary>
public sealed record SampleExplanationItem(string Topic, string Text);
