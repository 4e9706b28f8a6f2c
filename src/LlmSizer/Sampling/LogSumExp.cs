using System.Numerics.Tensors;

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
    public static double EntropyNats(ReadOnlySpan<double> logits) => Summary(logits).EntropyNats;

    /// <summary>
    /// ln Σ exp(lᵢ) and the entropy in nats from one pass of exponentials (what a stage summary needs). Vectorized with
    /// TensorPrimitives (SIMD exp, sum and dot product) over blocks, because on a 256k vocabulary this pass is most of a
    /// pipeline's time; −∞ logits give e = 0 and are skipped in the weighted sum.
    /// </summary>
    public static (double LogSumExp, double EntropyNats) Summary(ReadOnlySpan<double> logits)
    {
        double max = Max(logits);
        double sum = 0, weighted = 0;
        Span<double> shifted = stackalloc double[Block];
        Span<double> e = stackalloc double[Block];
        for (int start = 0; start < logits.Length; start += Block)
        {
            var chunk = logits.Slice(start, Math.Min(Block, logits.Length - start));
            var s = shifted[..chunk.Length];
            var x = e[..chunk.Length];
            TensorPrimitives.Subtract(chunk, max, s);
            TensorPrimitives.Exp(s, x);
            sum += TensorPrimitives.Sum<double>(x);
            for (int i = 0; i < x.Length; i++)
                if (x[i] == 0)
                    s[i] = 0; // 0 × −∞ would be NaN; these tokens contribute nothing
            weighted += TensorPrimitives.Dot<double>(x, s);
        }
        // Rounding can leave −1e−16 for a one-token distribution; entropy is never negative.
        return (max + Math.Log(sum), Math.Max(0, Math.Log(sum) - weighted / sum));
    }

    /// <summary>Logits per vectorized block: two 8 KB stack buffers.</summary>
    private const int Block = 1024;

    internal static double Max(ReadOnlySpan<double> logits)
    {
        double max = double.NegativeInfinity;
        foreach (double l in logits)
            if (l > max)
                max = l;
        return max;
    }
}
