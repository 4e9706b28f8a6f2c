namespace LlmSizer.Sampling;

/// <summary>
/// Top-k: the k highest logits survive (k = 0 keeps all). Exactly k: a tie at the k-th place goes to the lower token id.
/// llama.cpp keeps exactly k as well; transformers and vLLM keep every token tied with the k-th, which differs only when
/// logits are exactly equal at the boundary.
/// </summary>
internal static class TopKStage
{
    public static void Apply(CandidateSet set, int k)
    {
        if (k <= 0 || k >= set.Count)
            return;
        set.EnsureSorted(k);
        set.KeepFirst(k);
    }
}
