namespace LlmSizer.Sampling;

/// <summary>
/// The built-in <c>--example</c>: a next-token distribution for "The cat sat on the" over a 32,000-token vocabulary
/// (Llama 2's size). Hand-made to look like a language model's, not measured from one: twelve plausible words carry
/// 91.5% ("mat" 40%, "floor" 14%, "couch" 9%, … "carpet" 1%; words without their leading space), and the other 31,988 tokens share the last 8.5% along a
/// Zipf tail pᵣ ∝ r^−1.1 by rank r — the heavy tail next-token distributions have (Zipf's law of word frequencies;
/// Holtzman et al. 2019, "The Curious Case of Neural Text Degeneration", §3 on the unreliable tail). The head makes top-k,
/// top-p and min-p cut at different places; the tail is what top-p without top-k lets in.
/// </summary>
public static class ExampleDistribution
{
    public const string Prompt = "The cat sat on the";

    public const int VocabularySize = 32_000;

    /// <summary>Zipf exponent of the tail.</summary>
    public const double TailExponent = 1.1;

    private static readonly (string Word, double Probability)[] Head =
    [
        ("mat", 0.40), ("floor", 0.14), ("couch", 0.09), ("bed", 0.06), ("sofa", 0.05), ("table", 0.04),
        ("ground", 0.035), ("chair", 0.03), ("rug", 0.025), ("windowsill", 0.02), ("edge", 0.015), ("carpet", 0.01),
    ];

    public static TokenLogits Create()
    {
        var probabilities = new double[VocabularySize];
        var names = new string[VocabularySize];
        double headMass = 0;
        for (int i = 0; i < Head.Length; i++)
        {
            probabilities[i] = Head[i].Probability;
            names[i] = Head[i].Word;
            headMass += Head[i].Probability;
        }
        double zipf = 0;
        for (int r = Head.Length + 1; r <= VocabularySize; r++)
            zipf += Math.Pow(r, -TailExponent);
        for (int i = Head.Length; i < VocabularySize; i++)
        {
            probabilities[i] = (1 - headMass) * Math.Pow(i + 1, -TailExponent) / zipf;
            names[i] = $"<tok{i}>";
        }
        return TokenLogits.FromProbabilities(probabilities, names);
    }
}
