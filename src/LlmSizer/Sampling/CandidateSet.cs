namespace LlmSizer.Sampling;

/// <summary>
/// The working buffer a pipeline runs on: the surviving tokens' ids and current logits. The first <see cref="SortedCount"/>
/// entries are the best ones in order — logit descending, equal logits by lower token id first (the documented tie-break) —
/// so a stage that needs the top of the distribution (top-k, top-p) sorts only as far as it must, never all 256k tokens.
/// Mutable and internal: stages change it in place; the public results are copied out of it.
/// </summary>
internal sealed class CandidateSet
{
    private int[] ids;
    private double[] logits;

    private CandidateSet(int[] ids, double[] logits, int count)
    {
        this.ids = ids;
        this.logits = logits;
        Count = count;
        InIdOrder = true;
    }

    public int Count { get; private set; }

    /// <summary>How many leading entries are known to be the best, in order.</summary>
    public int SortedCount { get; private set; }

    /// <summary>Entries are in ascending id order (as given), so an id is found by binary search.</summary>
    public bool InIdOrder { get; private set; }

    public ReadOnlySpan<int> Ids => ids.AsSpan(0, Count);

    public ReadOnlySpan<double> Logits => logits.AsSpan(0, Count);

    public Span<double> MutableLogits => logits.AsSpan(0, Count);

    /// <summary>Every token of <paramref name="input"/> with a finite logit (probability-0 tokens are not candidates).</summary>
    public static CandidateSet From(TokenLogits input)
    {
        var source = input.Logits;
        var ids = new int[source.Length];
        var logits = new double[source.Length];
        int n = 0;
        for (int i = 0; i < source.Length; i++)
        {
            if (double.IsNegativeInfinity(source[i]))
                continue;
            ids[n] = i;
            logits[n] = source[i];
            n++;
        }
        return new CandidateSet(ids, logits, n);
    }

    public CandidateSet Clone() =>
        new((int[])ids.Clone(), (double[])logits.Clone(), Count) { SortedCount = SortedCount, InIdOrder = InIdOrder };

    /// <summary>Logits changed by a stage that does not keep their order (penalties).</summary>
    public void LogitsReordered() => SortedCount = 0;

    /// <summary>Index of <paramref name="id"/> among the candidates, or −1.</summary>
    public int IndexOf(int id, Dictionary<int, int>? lookup)
    {
        if (InIdOrder)
        {
            int i = Array.BinarySearch(ids, 0, Count, id);
            return i >= 0 ? i : -1;
        }
        return lookup!.TryGetValue(id, out int at) ? at : -1;
    }

    /// <summary>An id → index map for sets no longer in id order.</summary>
    public Dictionary<int, int>? Lookup()
    {
        if (InIdOrder)
            return null;
        var map = new Dictionary<int, int>(Count);
        for (int i = 0; i < Count; i++)
            map[ids[i]] = i;
        return map;
    }

    /// <summary>The largest logit (the first when sorted).</summary>
    public double MaxLogit() => SortedCount > 0 ? logits[0] : LogSumExp.Max(Logits);

    /// <summary>Whether entry <paramref name="a"/> ranks before entry <paramref name="b"/>: higher logit, then lower id.</summary>
    private bool Before(int a, int b) => logits[a] > logits[b] || (logits[a] == logits[b] && ids[a] < ids[b]);

    /// <summary>
    /// Puts the best <paramref name="m"/> entries first, in order. A bounded heap selects them in O(n log m) when m is small
    /// against n; otherwise everything is sorted. Exact either way: the same entries, in the same order, as a full sort.
    /// </summary>
    public void EnsureSorted(int m)
    {
        m = Math.Min(m, Count);
        if (SortedCount >= m)
            return;
        int[] order;
        if ((long)m * 8 >= Count)
        {
            order = new int[Count];
            for (int i = 0; i < order.Length; i++)
                order[i] = i;
            Array.Sort(order, Compare);
            m = Count;
        }
        else
        {
            order = SelectBest(m);
        }
        Rearrange(order, m);
        SortedCount = m;
        InIdOrder = false;
    }

    private int Compare(int a, int b) => a == b ? 0 : Before(a, b) ? -1 : 1;

    /// <summary>The indices of the best <paramref name="m"/> entries, best first; a min-heap whose root is the worst kept.</summary>
    private int[] SelectBest(int m)
    {
        var heap = new int[m];
        int size = 0;
        for (int i = 0; i < Count; i++)
        {
            if (size < m)
            {
                heap[size] = i;
                SiftUp(heap, size++);
            }
            else if (Before(i, heap[0]))
            {
                heap[0] = i;
                SiftDown(heap, size);
            }
        }
        Array.Sort(heap, Compare);
        return heap;
    }

    // Heap order: a parent ranks after (is worse than) its children, so the root is the worst entry kept.
    private void SiftUp(int[] heap, int at)
    {
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Before(heap[parent], heap[at]))
                break;
            (heap[parent], heap[at]) = (heap[at], heap[parent]);
            at = parent;
        }
    }

    private void SiftDown(int[] heap, int size)
    {
        int at = 0;
        while (true)
        {
            int left = 2 * at + 1, worst = at;
            if (left < size && Before(heap[worst], heap[left]))
                worst = left;
            if (left + 1 < size && Before(heap[worst], heap[left + 1]))
                worst = left + 1;
            if (worst == at)
                return;
            (heap[worst], heap[at]) = (heap[at], heap[worst]);
            at = worst;
        }
    }

    /// <summary>Moves the entries at <paramref name="first"/>[0..m) to the front in that order, the others after in their old order.</summary>
    private void Rearrange(int[] first, int m)
    {
        var newIds = new int[Count];
        var newLogits = new double[Count];
        var taken = new bool[Count];
        for (int i = 0; i < m; i++)
        {
            newIds[i] = ids[first[i]];
            newLogits[i] = logits[first[i]];
            taken[first[i]] = true;
        }
        int n = m;
        for (int i = 0; i < Count; i++)
        {
            if (taken[i])
                continue;
            newIds[n] = ids[i];
            newLogits[n] = logits[i];
            n++;
        }
        ids = newIds;
        logits = newLogits;
    }

    /// <summary>Keeps the first <paramref name="n"/> entries (the caller has sorted at least that far).</summary>
    public void KeepFirst(int n)
    {
        Count = Math.Min(n, Count);
        SortedCount = Math.Min(SortedCount, Count);
    }

    /// <summary>Keeps entries whose logit is at least <paramref name="threshold"/>, in their order; a sorted prefix stays sorted.</summary>
    public void KeepAtLeast(double threshold)
    {
        int n = 0, sorted = 0;
        for (int i = 0; i < Count; i++)
        {
            if (logits[i] < threshold)
                continue;
            if (i < SortedCount)
                sorted++;
            ids[n] = ids[i];
            logits[n] = logits[i];
            n++;
        }
        // Removed entries rank below every survivor, so the survivors of the sorted part are still the best, in order.
        SortedCount = sorted;
        Count = n;
    }

    /// <summary>Keeps the entries whose index is in <paramref name="keep"/> (ascending), in their order.</summary>
    public void KeepIndices(IReadOnlyList<int> keep)
    {
        for (int k = 0; k < keep.Count; k++)
        {
            ids[k] = ids[keep[k]];
            logits[k] = logits[keep[k]];
        }
        Count = keep.Count;
        SortedCount = 0;
    }

    /// <summary>Replaces the order with <paramref name="order"/> (a permutation of 0..Count−1) that is not by logit.</summary>
    public void Reorder(int[] order)
    {
        Rearrange(order, order.Length);
        SortedCount = 0;
        InIdOrder = false;
    }
}
