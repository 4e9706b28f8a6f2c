namespace LlmSizer.Sampling;

/// <summary>
/// Temperature T: logits divided by T, so pᵢ ∝ pᵢ(T=1)^(1/T) — below 1 sharpens, above 1 flattens. T = 0 is greedy: only the
/// top token survives (the lowest id among equal logits), as llama.cpp's temp sampler does for T ≤ 0 and vLLM for
/// T &lt; 1e−5 (transformers uses do_sample=False for the same).
/// </summary>
internal static class TemperatureStage
{
    public static void Apply(CandidateSet set, double temperature)
    {
        if (temperature == 0)
        {
            set.EnsureSorted(1);
            set.KeepFirst(1);
            return;
        }
        if (temperature == 1)
            return;
        // Division keeps the order of the logits, so a sorted prefix stays sorted.
        var logits = set.MutableLogits;
        for (int i = 0; i < logits.Length; i++)
            logits[i] /= temperature;
    }
}
