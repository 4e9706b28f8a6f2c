namespace LlmSizer.Sampling;

/// <summary>
/// N tokens drawn from a final distribution with a seeded <see cref="Xoshiro256StarStar"/> (one uniform per draw, inverse
/// transform over the distribution's order), so a seed reproduces the same draws. <see cref="Counts"/> follows the
/// distribution's order; the chi-squared statistic compares the counts with N·p.
/// </summary>
/// <param name="Sequence">The first draws in order (at most 32), token ids.</param>
/// <param name="ChiSquared">Pearson's Σ (observed − expected)² / expected over bins with expected ≥ 5, the rest pooled into one bin.</param>
/// <param name="DegreesOfFreedom">Bins − 1.</param>
public sealed record TokenDraws(int Draws, ulong Seed, IReadOnlyList<int> Counts, IReadOnlyList<int> Sequence, double ChiSquared, int DegreesOfFreedom)
{
    public const string Generator = "xoshiro256** seeded by SplitMix64";

    public static TokenDraws Draw(SampledDistribution distribution, int draws, ulong seed)
    {
        if (draws < 0)
            throw new Errors.UsageException($"--draws {draws}: expected an integer ≥ 0");
        var rng = new Xoshiro256StarStar(seed);
        var counts = new int[distribution.Count];
        var sequence = new List<int>();
        for (int i = 0; i < draws; i++)
        {
            int at = distribution.IndexAt(rng.NextDouble());
            counts[at]++;
            if (sequence.Count < 32)
                sequence.Add(distribution.Tokens[at]);
        }
        var (chi, df) = PearsonChiSquared(counts, distribution.Probabilities, draws);
        return new TokenDraws(draws, seed, counts, sequence, chi, df);
    }

    /// <summary>Pearson's statistic with bins of expected count ≥ 5 kept and the smaller ones pooled (merged into the last kept bin when the pool is under 5 too).</summary>
    public static (double ChiSquared, int DegreesOfFreedom) PearsonChiSquared(IReadOnlyList<int> counts, ReadOnlySpan<double> probabilities, int draws)
    {
        if (draws == 0)
            return (0, 0);
        var observed = new List<double>();
        var expected = new List<double>();
        double poolObserved = 0, poolExpected = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            double e = draws * probabilities[i];
            if (e >= 5)
            {
                observed.Add(counts[i]);
                expected.Add(e);
            }
            else
            {
                poolObserved += counts[i];
                poolExpected += e;
            }
        }
        if (poolExpected >= 5 || expected.Count == 0)
        {
            observed.Add(poolObserved);
            expected.Add(poolExpected);
        }
        else
        {
            observed[^1] += poolObserved;
            expected[^1] += poolExpected;
        }
        double chi = 0;
        for (int i = 0; i < observed.Count; i++)
            if (expected[i] > 0)
                chi += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
        return (chi, observed.Count - 1);
    }
}
