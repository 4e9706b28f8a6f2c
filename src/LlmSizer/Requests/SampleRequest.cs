using LlmSizer.Reports;
using LlmSizer.Sampling;

namespace LlmSizer.Requests;

/// <summary>
/// Sampler settings as the user typed them (<c>llmsizer sample</c>, <c>/api/sample</c>): null settings take the engine's
/// defaults, and the report marks them as such. <see cref="PreviousTokens"/> is the text so far for the penalties: token names or
/// ids, comma-separated.
/// </summary>
public sealed record SampleRequest
{
    /// <summary>Largest <see cref="Draws"/>: enough for any histogram, small enough to answer in about a second.</summary>
    public const int MaxDraws = 100_000_000;

    /// <summary>Largest <see cref="Show"/>.</summary>
    public const int MaxShow = 10_000;

    /// <summary>Whose stage order and defaults: <c>llama.cpp</c> (null), <c>transformers</c> or <c>vllm</c>.</summary>
    public string? Engine { get; init; }

    public double? Temperature { get; init; }

    public int? TopK { get; init; }

    public double? TopP { get; init; }

    public double? MinP { get; init; }

    public double? TypicalP { get; init; }

    public double? RepetitionPenalty { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    /// <summary>How many tokens to draw, 0 to <see cref="MaxDraws"/>; null = 1000.</summary>
    public int? Draws { get; init; }

    /// <summary>How many of the most probable tokens each stage lists, 1 to <see cref="MaxShow"/>; null = 20.</summary>
    public int? Show { get; init; }

    /// <summary>Seed of the xoshiro256** generator; null = 42.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Token names or ids, comma-separated, that the penalties look at.</summary>
    public string? PreviousTokens { get; init; }

    /// <summary>Checks every setting that does not depend on the vocabulary, so that a usage error never waits on reading logits.</summary>
    public ResolvedSampleRequest Resolve(FieldStyle style) => RequestFields.Styled(style, () =>
    {
        int draws = Draws ?? 1000;
        if (draws is < 0 or > MaxDraws)
            throw RequestFields.Error("draws", $"{RequestFields.Name("draws", style)} {draws}: expected an integer from 0 to 100,000,000");
        int show = Show ?? SamplingPipeline.DefaultShown;
        if (show is < 1 or > MaxShow)
            throw RequestFields.Error("show", $"{RequestFields.Name("show", style)} {show}: expected an integer from 1 to 10,000");
        var profile = SamplingEngineProfile.For(RequestFields.About("engine", () => SamplingEngineNames.Parse(Engine ?? "llama.cpp")));

        var defaulted = new List<string>();
        T Pick<T>(T? given, T fallback, string field) where T : struct
        {
            if (given is { } value)
                return value;
            defaulted.Add(RequestFields.Name(field, style));
            return fallback;
        }
        var d = profile.Defaults;
        var settings = new SamplingSettings
        {
            Temperature = Pick(Temperature, d.Temperature, "temperature"),
            TopK = Pick(TopK, d.TopK, "topK"),
            TopP = Pick(TopP, d.TopP, "topP"),
            MinP = Pick(MinP, d.MinP, "minP"),
            TypicalP = Pick(TypicalP, d.TypicalP, "typicalP"),
            RepetitionPenalty = RepetitionPenalty ?? d.RepetitionPenalty,
            PresencePenalty = PresencePenalty ?? 0,
            FrequencyPenalty = FrequencyPenalty ?? 0,
        };
        settings.Validate(int.MaxValue);
        if (!string.IsNullOrWhiteSpace(PreviousTokens) && !settings.HasPenalties)
            throw RequestFields.Error("previousTokens",
                $"{RequestFields.Name("previousTokens", style)} is only used by the penalties; give {RequestFields.Name("repetitionPenalty", style)}, "
                + $"{RequestFields.Name("presencePenalty", style)} or {RequestFields.Name("frequencyPenalty", style)} too");
        return new ResolvedSampleRequest(profile, settings, defaulted, draws, Seed ?? 42, show, PreviousTokens, style);
    });

    /// <summary><see cref="Resolve"/> then <see cref="ResolvedSampleRequest.Build"/>.</summary>
    public SampleReport Build(TokenLogits input, string inputName, FieldStyle style) => Resolve(style).Build(input, inputName);
}
