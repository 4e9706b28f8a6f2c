namespace LlmSizer.Sampling;

/// <summary>
/// The distribution tokens are drawn from after every stage: all survivors with probabilities summing to 1, sorted by
/// probability descending and, for equal probabilities, by lower token id first.
/// </summary>
public sealed class SampledDistribution
{
    private readonly int[] tokens;
    private readonly double[] probabilities;
    private double[]? cumulative;

    internal SampledDistribution(int[] tokens, double[] probabilities, double entropyNats)
    {
        this.tokens = tokens;
        this.probabilities = probabilities;
        EntropyNats = entropyNats;
    }

    public int Count => tokens.Length;

    public ReadOnlySpan<int> Tokens => tokens;

    public ReadOnlySpan<double> Probabilities => probabilities;

    public double EntropyNats { get; }

    /// <summary>e^H, the effective number of candidates (perplexity).</summary>
    public double EffectiveCandidates => Math.Exp(EntropyNats);

    public TokenProbability this[int index] => new(tokens[index], probabilities[index]);

    /// <summary>The probability of <paramref name="token"/> (0 when it did not survive).</summary>
    public double ProbabilityOf(int token)
    {
        int at = Array.IndexOf(tokens, token);
        return at < 0 ? 0 : probabilities[at];
    }

    /// <summary>
    /// The index (into this distribution's order) that a uniform <paramref name="u"/> in [0, 1) selects: the first whose
    /// cumulative probability exceeds u (inverse transform sampling); the last when rounding leaves the total under u.
    /// </summary>
    public int IndexAt(double u)
    {
        cumulative ??= Cumulate();
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

    private double[] Cumulate()
    {
        var c = new double[probabilities.Length];
        double sum = 0;
        for (int i = 0; i < c.Length; i++)
            c[i] = sum += probabilities[i];
        return c;
    }

    /// <summary>Renormalizes the candidates' logits and sorts them (probability descending, lower id first).</summary>
    internal static SampledDistribution From(CandidateSet set)
    {
        int n = set.Count;
        var ids = set.Ids;
        var logits = set.Logits;
        double lse = LogSumExp.Of(logits);
        var order = new int[n];
        var p = new double[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            p[i] = Math.Exp(logits[i] - lse);
        }
        int[] idArray = ids.ToArray();
        if (set.SortedCount < n)
            Array.Sort(order, (a, b) => p[a] != p[b] ? p[b].CompareTo(p[a]) : idArray[a].CompareTo(idArray[b]));
        else
            TieBreakByProbability(order, p, idArray);
        var tokens = new int[n];
        var probabilities = new double[n];
        for (int i = 0; i < n; i++)
        {
            tokens[i] = idArray[order[i]];
            probabilities[i] = p[order[i]];
        }
        return new SampledDistribution(tokens, probabilities, LogSumExp.EntropyNats(logits));
    }

    /// <summary>
    /// Sorted by logit already; distinct logits can still round to the same probability, and such a run is put in id order
    /// so the tie-break is by probability as documented.
    /// </summary>
    private static void TieBreakByProbability(int[] order, double[] p, int[] ids)
    {
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && p[order[end]] == p[order[start]])
                end++;
            if (end - start > 1)
                Array.Sort(order, start, end - start, Comparer<int>.Create((a, b) => ids[a].CompareTo(ids[b])));
            start = end;
        }
    }
}
