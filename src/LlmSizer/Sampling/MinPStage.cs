namespace LlmSizer.Sampling;

/// <summary>
/// Min-p (Nguyen et al. 2024): tokens with probability ≥ min_p × the top token's probability survive. On logits that is
/// l ≥ l_max + ln(min_p), which is how llama.cpp applies it; transformers and vLLM compare probabilities: the same set.
/// Relative to the top token, so it keeps many tokens when the distribution is flat and few when it is peaked.
/// </summary>
internal static class MinPStage
{
    public static void Apply(CandidateSet set, double minP)
    {
        if (minP <= 0 || set.Count <= 1)
            return;
        set.KeepAtLeast(set.MaxLogit() + Math.Log(minP));
    }
}
