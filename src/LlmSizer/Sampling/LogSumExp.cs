namespace LlmSizer.Sampling;

/// <summary>
/// Softmax arithmetic in log space, stable for logits of any magnitude: ln Σ exp(lᵢ) = m + ln Σ exp(lᵢ − m) with m the
/// largest logit, so no exp overflows (every exponent ≤ 0) and the largest term is exactly 1. Entropies are in nats.
/// </summary>
public static class LogSumExp
{
    /// <summary>ln Σ exp(lᵢ); −∞ entries add nothing. An empty span gives −∞.</summary>
    public static double Of(ReadOnlySpan<double> logits)
    {
        double max = Max(logits);
        if (double.IsNegativeInfinity(max))
            return max;
        double sum = 0;
        foreach (double l in logits)
            sum += Math.Exp(l - max);
        return max + Math.Log(sum);
    }

    /// <summary>The probabilities pᵢ = exp(lᵢ − ln Σ exp(lⱼ)).</summary>
    public static double[] Probabilities(ReadOnlySpan<double> logits)
    {
        double lse = Of(logits);
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++)
            p[i] = Math.Exp(logits[i] - lse);
        return p;
    }

    /// <summary>
    /// Shannon entropy H = −Σ pᵢ ln pᵢ in nats, computed as ln S − Σ eᵢ·(lᵢ − m) / S with eᵢ = exp(lᵢ − m), S = Σ eᵢ:
    /// the same stable shift, and zero-probability tokens (eᵢ = 0) contribute nothing.
    /// </summary>
    public static double EntropyNats(ReadOnlySpan<double> logits)
    {
        double max = Max(logits);
        double sum = 0, weighted = 0;
        foreach (double l in logits)
        {
            double shifted = l - max;
            double e = Math.Exp(shifted);
            if (e == 0)
                continue;
            sum += e;
            weighted += e * shifted;
        }
        // Rounding can leave −1e−16 for a one-token distribution; entropy is never negative.
        return Math.Max(0, Math.Log(sum) - weighted / sum);
    }

    internal static double Max(ReadOnlySpan<double> logits)
    {
        double max = double.NegativeInfinity;
        foreach (double l in logits)
            if (l > max)
                max = l;
        return max;
    }
}
