using System.Buffers;

namespace LlmSizer.Sampling;

/// <summary>
/// Top-p (nucleus, Holtzman et al. 2019): the smallest set of most probable tokens whose probabilities, renormalized over
/// the current survivors, add up to at least p (at least one token). transformers and vLLM remove tokens whose ascending
/// cumulative probability is ≤ 1 − p; llama.cpp stops at the first cumulative sum ≥ p: the same set.
/// </summary>
/// <remarks>
/// Sorting all of a 256k vocabulary costs more than everything else, so only the head that can hold the nucleus is sorted:
/// one pass adds each token's mass into a histogram over its logit (4,096 buckets over the 40 nats below the top, where
/// e^−40 = 4e−18), the bucket where the mass from the top reaches p bounds the nucleus, the tokens in it and above are moved
/// to the front and sorted, and the cut is found among them. Exact: every token outside ranks below every token inside.
/// </remarks>
internal static class TopPStage
{
    private const int Buckets = 4096;
    private const double Range = 40;

    public static void Apply(CandidateSet set, double p)
    {
        if (p >= 1 || set.Count <= 1)
            return;
        double max = set.MaxLogit();
        var logits = set.Logits;
        double z = 0;
        if (set.Count > Buckets)
        {
            var mass = ArrayPool<double>.Shared.Rent(Buckets);
            Array.Clear(mass, 0, Buckets);
            foreach (double l in logits)
            {
                double e = Math.Exp(l - max);
                z += e;
                mass[Bucket(l, max)] += e;
            }
            double cumulative = 0;
            int boundary = Buckets - 1;
            for (int b = 0; b < Buckets; b++)
            {
                cumulative += mass[b];
                if (cumulative >= p * z)
                {
                    boundary = b;
                    break;
                }
            }
            ArrayPool<double>.Shared.Return(mass);
            set.MoveToFront(l => Bucket(l, max) <= boundary);
        }
        else
        {
            foreach (double l in logits)
                z += Math.Exp(l - max);
            set.EnsureSorted(set.Count);
        }
        if (!Cut(set, max, z, p))
        {
            // Summing in another order rounded the head's mass a hair under p: sort the rest too.
            set.EnsureSorted(set.Count);
            Cut(set, max, z, p);
        }
    }

    /// <summary>Bucket 0 holds the top logit; higher buckets lower logits; the last everything 40 nats or more below the top.</summary>
    private static int Bucket(double logit, double max) => (int)Math.Min(Buckets - 1, (max - logit) * ((Buckets - 1) / Range));

    /// <summary>Keeps the sorted prefix up to the first cumulative probability ≥ p; false when the sorted part does not reach p.</summary>
    private static bool Cut(CandidateSet set, double max, double z, double p)
    {
        var logits = set.Logits;
        double cumulative = 0;
        for (int i = 0; i < set.SortedCount; i++)
        {
            cumulative += Math.Exp(logits[i] - max) / z;
            if (cumulative >= p)
            {
                set.KeepFirst(i + 1);
                return true;
            }
        }
        return set.SortedCount == set.Count; // everything sorted and still under p by rounding: all survive
    }
}
