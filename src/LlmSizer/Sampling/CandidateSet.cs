using System.Buffers;

namespace LlmSizer.Sampling;

/// <summary>
/// The working buffer a pipeline runs on: the surviving tokens' ids and current logits. The first <see cref="SortedCount"/>
/// entries are the best ones in order — logit descending, equal logits by lower token id first (the documented tie-break) —
/// so a stage that needs the top of the distribution (top-k, top-p) sorts only as far as it must, never all 256k tokens.
/// Mutable and internal: stages change it in place; the public results are copied out of it.
/// </summary>
internal sealed class CandidateSet : IDisposable
{
    private readonly int[] ids;
    private readonly double[] logits;

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
    /// <remarks>The buffers are rented from the shared array pools (a 256k vocabulary would otherwise put 3 MB on the large
    /// object heap every run, and collecting it cost more than the sampling); <see cref="Dispose"/> returns them.</remarks>
    public static CandidateSet From(TokenLogits input)
    {
        var source = input.Logits;
        var ids = ArrayPool<int>.Shared.Rent(source.Length);
        var logits = ArrayPool<double>.Shared.Rent(source.Length);
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

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(ids);
        ArrayPool<double>.Shared.Return(logits);
    }

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
    /// Puts the best <paramref name="m"/> entries first, in order. A bounded heap finds the m-th best in O(n log m) when m is
    /// small against n, the entries ranking at or above it are swapped to the front in place, and only those m are sorted;
    /// otherwise everything is sorted. Exact either way: the same entries, in the same order, as a full sort.
    /// </summary>
    public void EnsureSorted(int m)
    {
        m = Math.Min(m, Count);
        if (SortedCount >= m || m == 0)
            return;
        if ((long)m * 8 >= Count)
        {
            SortRange(Count);
            SortedCount = Count;
        }
        else
        {
            int worst = WorstOfBest(m);
            double worstLogit = logits[worst];
            int worstId = ids[worst];
            int front = 0;
            for (int i = 0; i < Count; i++)
            {
                if (logits[i] > worstLogit || (logits[i] == worstLogit && ids[i] <= worstId))
                {
                    (ids[front], ids[i]) = (ids[i], ids[front]);
                    (logits[front], logits[i]) = (logits[i], logits[front]);
                    front++;
                }
            }
            SortRange(m);
            SortedCount = m;
        }
        InIdOrder = false;
    }

    /// <summary>
    /// The indices of the best <paramref name="n"/> entries, best first, without moving anything: a stage summary reads the
    /// top of the distribution this way so the set keeps its id order (which penalties use to find tokens).
    /// </summary>
    public int[] TopIndices(int n)
    {
        n = Math.Min(n, Count);
        if (SortedCount >= n)
            return Enumerable.Range(0, n).ToArray();
        int[] best = n == Count ? Enumerable.Range(0, n).ToArray() : BestHeap(n);
        Array.Sort(best, (a, b) => a == b ? 0 : Before(a, b) ? -1 : 1);
        return best;
    }

    /// <summary>
    /// Moves the entries whose logit satisfies <paramref name="inHead"/> to the front and sorts them. The caller guarantees
    /// the test is monotone in the logit (true for every logit above some bound), so those entries are the best ones.
    /// </summary>
    public void MoveToFront(Func<double, bool> inHead)
    {
        int front = 0;
        for (int i = 0; i < Count; i++)
        {
            if (!inHead(logits[i]))
                continue;
            (ids[front], ids[i]) = (ids[i], ids[front]);
            (logits[front], logits[i]) = (logits[i], logits[front]);
            front++;
        }
        SortRange(front);
        SortedCount = front;
        InIdOrder = false;
    }

    /// <summary>Sorts entries [0, n) by logit descending, id ascending (ids are unique, so the order is total).</summary>
    private void SortRange(int n)
    {
        var keys = new (double Logit, int Id)[n];
        for (int i = 0; i < n; i++)
            keys[i] = (logits[i], ids[i]);
        Array.Sort(keys, static (a, b) => a.Logit != b.Logit ? b.Logit.CompareTo(a.Logit) : a.Id.CompareTo(b.Id));
        for (int i = 0; i < n; i++)
            (logits[i], ids[i]) = keys[i];
    }

    /// <summary>The index of the m-th best entry.</summary>
    private int WorstOfBest(int m) => BestHeap(m)[0];

    /// <summary>The indices of the best <paramref name="m"/> entries as a min-heap: the worst of them at the root.</summary>
    private int[] BestHeap(int m)
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

}
