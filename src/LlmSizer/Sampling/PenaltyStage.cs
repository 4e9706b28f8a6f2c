namespace LlmSizer.Sampling;

/// <summary>
/// Repetition, presence and frequency penalties on the tokens seen before. For each distinct seen token with c occurrences:
/// l ← l / r when l &gt; 0, l · r otherwise (CTRL, Keskar et al. 2019, as transformers' RepetitionPenaltyLogitsProcessor,
/// llama.cpp's penalties sampler and vLLM's apply_penalties do), then l ← l − c·frequency − presence (OpenAI's definition,
/// as llama.cpp and vLLM apply it). The penalty counts each token once for the repetition penalty, however often it appeared.
/// </summary>
internal static class PenaltyStage
{
    public static void Apply(CandidateSet set, double repetition, double presence, double frequency, IReadOnlyList<int> previous)
    {
        var counts = new Dictionary<int, int>();
        foreach (int token in previous)
            counts[token] = counts.GetValueOrDefault(token) + 1;
        var lookup = set.Lookup();
        var logits = set.MutableLogits;
        foreach (var (token, count) in counts)
        {
            int at = set.IndexOf(token, lookup);
            if (at < 0)
                continue; // already removed by an earlier stage
            double l = logits[at];
            l = l > 0 ? l / repetition : l * repetition;
            logits[at] = l - count * frequency - presence;
        }
        set.LogitsReordered();
    }
}
