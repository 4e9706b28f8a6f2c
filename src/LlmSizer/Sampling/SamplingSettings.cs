using System.Globalization;
using LlmSizer.Errors;

namespace LlmSizer.Sampling;

/// <summary>
/// Sampler settings. Neutral values switch a stage off: temperature 1, top-k 0, top-p 1, min-p 0, typical-p 1, repetition
/// penalty 1, presence and frequency penalties 0. Temperature 0 is greedy. <see cref="PreviousTokens"/> are token ids (the
/// text so far) that the penalties look at.
/// </summary>
public sealed record SamplingSettings
{
    public double Temperature { get; init; } = 1.0;

    /// <summary>Tokens kept by top-k; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus mass in (0, 1]; 1 keeps all.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Fraction of the top token's probability a token needs, in [0, 1]; 0 keeps all.</summary>
    public double MinP { get; init; }

    /// <summary>Locally typical mass in (0, 1]; 1 keeps all.</summary>
    public double TypicalP { get; init; } = 1.0;

    /// <summary>CTRL's repetition penalty (&gt; 0): positive logits of seen tokens divided by it, negative ones multiplied; 1 is off.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Subtracted once from the logit of every token seen (OpenAI's presence penalty).</summary>
    public double PresencePenalty { get; init; }

    /// <summary>Subtracted from a seen token's logit once per occurrence (OpenAI's frequency penalty).</summary>
    public double FrequencyPenalty { get; init; }

    public IReadOnlyList<int> PreviousTokens { get; init; } = [];

    public bool HasPenalties => RepetitionPenalty != 1.0 || PresencePenalty != 0 || FrequencyPenalty != 0;

    /// <summary>Throws a <see cref="UsageException"/> naming the first setting out of range for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public void Validate(int vocabularySize)
    {
        if (!double.IsFinite(Temperature) || Temperature < 0)
            throw new UsageException($"--temperature {Show(Temperature)}: expected a finite number ≥ 0 (0 is greedy)");
        if (TopK < 0)
            throw new UsageException($"--top-k {TopK}: expected an integer ≥ 0 (0 keeps every token)");
        if (!(TopP > 0 && TopP <= 1))
            throw new UsageException($"--top-p {Show(TopP)}: expected a number in (0, 1] (1 keeps every token)");
        if (!(MinP >= 0 && MinP <= 1))
            throw new UsageException($"--min-p {Show(MinP)}: expected a number in [0, 1] (0 keeps every token)");
        if (!(TypicalP > 0 && TypicalP <= 1))
            throw new UsageException($"--typical-p {Show(TypicalP)}: expected a number in (0, 1] (1 keeps every token)");
        if (!double.IsFinite(RepetitionPenalty) || RepetitionPenalty <= 0)
            throw new UsageException($"--repetition-penalty {Show(RepetitionPenalty)}: expected a finite number > 0 (1 is off)");
        if (!double.IsFinite(PresencePenalty))
            throw new UsageException($"--presence-penalty {Show(PresencePenalty)}: expected a finite number (0 is off)");
        if (!double.IsFinite(FrequencyPenalty))
            throw new UsageException($"--frequency-penalty {Show(FrequencyPenalty)}: expected a finite number (0 is off)");
        foreach (int token in PreviousTokens)
            if (token < 0 || token >= vocabularySize)
                throw new UsageException($"--previous-tokens: token id {token} is outside the vocabulary of {vocabularySize} tokens (ids 0–{vocabularySize - 1})");
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
