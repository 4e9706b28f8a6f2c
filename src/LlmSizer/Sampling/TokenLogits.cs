using System.Globalization;
using LlmSizer.Errors;

namespace LlmSizer.Sampling;

/// <summary>
/// A next-token distribution as logits (natural-log scale, any offset) over a vocabulary of token ids 0…Count−1, with
/// optional token names. Logits are finite; a token given probability 0 has logit −∞ and can never be drawn.
/// </summary>
public sealed class TokenLogits
{
    private readonly double[] logits;
    private readonly string[]? names;
    private Dictionary<string, int>? byName;

    private TokenLogits(double[] logits, string[]? names)
    {
        this.logits = logits;
        this.names = names;
    }

    /// <summary>The number of tokens in the vocabulary.</summary>
    public int Count => logits.Length;

    public ReadOnlySpan<double> Logits => logits;

    public bool HasNames => names is not null;

    /// <summary>The token's name, or its id as text when the input had none.</summary>
    public string Name(int id) => names?[id] ?? id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Logits as given; a <see cref="UsageException"/> for an empty vocabulary, a NaN or infinite logit (naming its index), or
    /// names that do not match the logits one to one or repeat.
    /// </summary>
    public static TokenLogits FromLogits(IReadOnlyList<double> logits, IReadOnlyList<string>? names = null)
    {
        Check(logits.Count, names);
        var copy = new double[logits.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            double l = logits[i];
            if (!double.IsFinite(l))
                throw new UsageException($"logits: token {Describe(i, names)} has logit {l.ToString(CultureInfo.InvariantCulture)}; expected a finite number");
            copy[i] = l;
        }
        return new TokenLogits(copy, Names(names));
    }

    /// <summary>
    /// Probabilities (non-negative, finite, not all zero) turned into logits ln p; they are normalized, so weights that do
    /// not sum to 1 are accepted. A zero probability becomes logit −∞: that token never survives.
    /// </summary>
    public static TokenLogits FromProbabilities(IReadOnlyList<double> probabilities, IReadOnlyList<string>? names = null)
    {
        Check(probabilities.Count, names);
        var logits = new double[probabilities.Count];
        bool any = false;
        for (int i = 0; i < logits.Length; i++)
        {
            double p = probabilities[i];
            if (!double.IsFinite(p) || p < 0)
                throw new UsageException($"probabilities: token {Describe(i, names)} has probability {p.ToString(CultureInfo.InvariantCulture)}; expected a finite number ≥ 0");
            any |= p > 0;
            logits[i] = Math.Log(p);
        }
        if (!any)
            throw new UsageException("probabilities: every probability is 0; expected at least one positive");
        return new TokenLogits(logits, Names(names));
    }

    /// <summary>A token id from a name (an exact name first) or from a decimal id; null when neither matches.</summary>
    public int? Find(string token)
    {
        if (names is not null)
        {
            byName ??= Enumerable.Range(0, names.Length).ToDictionary(i => names[i], StringComparer.Ordinal);
            if (byName.TryGetValue(token, out int id))
                return id;
        }
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed < Count ? parsed : null;
    }

    private static void Check(int count, IReadOnlyList<string>? names)
    {
        if (count == 0)
            throw new UsageException("logits: the vocabulary is empty; expected at least one token");
        if (names is null)
            return;
        if (names.Count != count)
            throw new UsageException($"logits: {names.Count} token names for {count} logits; expected one name per logit");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            if (!seen.Add(names[i]))
                throw new UsageException($"logits: token name '{names[i]}' appears twice (ids {names.ToList().IndexOf(names[i])} and {i}); expected unique names");
    }

    private static string[]? Names(IReadOnlyList<string>? names) => names?.ToArray();

    private static string Describe(int i, IReadOnlyList<string>? names) =>
        names is null ? i.ToString(CultureInfo.InvariantCulture) : $"{i} ('{names[i]}')";
}
