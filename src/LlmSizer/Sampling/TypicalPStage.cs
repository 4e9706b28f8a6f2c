namespace LlmSizer.Sampling;

/// <summary>
/// Locally typical sampling (Meister et al. 2022): with entropy H of the current distribution, tokens are ranked by
/// |−ln pᵢ − H| (closest to the typical information content first, ties by lower id) and the smallest prefix reaching mass
/// p survives, as transformers' TypicalLogitsWarper keeps it. llama.cpp's typical sampler stops at a sum strictly above p,
/// which differs only when a prefix sums to exactly p.
/// </summary>
internal static class TypicalPStage
{
    public static void Apply(CandidateSet set, double mass)
    {
        if (mass >= 1 || set.Count <= 1)
            return;
        var logits = set.Logits;
        var ids = set.Ids;
        double lse = LogSumExp.Of(logits);
        double entropy = LogSumExp.EntropyNats(logits);
        var keys = new double[logits.Length];
        var order = new int[logits.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Math.Abs(lse - logits[i] - entropy); // −ln pᵢ = lse − lᵢ
            order[i] = i;
        }
        int[] idCopy = ids.ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : idCopy[a].CompareTo(idCopy[b]));
        double cumulative = 0;
        int keep = order.Length;
        for (int i = 0; i < order.Length; i++)
        {
            cumulative += Math.Exp(logits[order[i]] - lse);
            if (cumulative >= mass)
            {
                keep = i + 1;
                break;
            }
        }
        var kept = order.Take(keep).Order().ToList();
        set.KeepIndices(kept);
    }
}
