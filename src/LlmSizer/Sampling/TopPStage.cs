namespace LlmSizer.Sampling;

/// <summary>
/// Top-p (nucleus, Holtzman et al. 2019): the smallest set of most probable tokens whose probabilities, renormalized over
/// the current survivors, add up to at least p (at least one token). transformers and vLLM remove tokens whose ascending
/// cumulative probability is ≤ 1 − p; llama.cpp stops at the first cumulative sum ≥ p: the same set.
/// Sorts only as far as the nucleus reaches: the best 64, then 4 times more until the mass is reached.
/// </summary>
internal static class TopPStage
{
    public static void Apply(CandidateSet set, double p)
    {
        if (p >= 1 || set.Count <= 1)
            return;
        double max = set.MaxLogit();
        double z = 0;
        foreach (double l in set.Logits)
            z += Math.Exp(l - max);
        double cumulative = 0;
        int walked = 0;
        for (int m = Math.Min(64, set.Count); ; m = (int)Math.Min(4L * m, set.Count))
        {
            set.EnsureSorted(m);
            var logits = set.Logits;
            for (; walked < m; walked++)
            {
                cumulative += Math.Exp(logits[walked] - max) / z;
                if (cumulative >= p)
                {
                    set.KeepFirst(walked + 1);
                    return;
                }
            }
            if (m == set.Count)
                return; // rounding left the total a hair under p: everything survives
        }
    }
}
