namespace LlmSizer.Hardware;

/// <summary>
/// Finds items (devices, storage classes) by any of their names through <see cref="DeviceName"/> keys, lists the items a
/// partial name could mean, and suggests near names for a typo. Items keep catalog order (ids unique); where two items share a
/// name, the later one has it.
/// </summary>
internal sealed class NameIndex<T>
    where T : class
{
    private readonly List<(string Id, T Item, string[] Keys)> items = [];
    private readonly Dictionary<string, T> byKey = new(StringComparer.Ordinal);

    public NameIndex(IEnumerable<(string Id, T Item, IEnumerable<string> Names)> entries)
    {
        foreach (var (id, item, names) in entries)
        {
            string[] keys = names.Prepend(id).Select(DeviceName.Key).Where(k => k.Length > 0).Distinct().ToArray();
            items.Add((id, item, keys));
            foreach (string key in keys)
                byKey[key] = item;
        }
    }

    public T? Find(string text)
    {
        foreach (string key in DeviceName.QueryKeys(text))
            if (byKey.TryGetValue(key, out var item))
                return item;
        return null;
    }

    /// <summary>Ids of the items some name of which starts with <paramref name="text"/> and goes on (<c>m4-max</c> → every M4 Max).</summary>
    public IReadOnlyList<string> Completions(string text)
    {
        var keys = DeviceName.QueryKeys(text).Where(k => k.Length >= 2).ToList();
        return items.Where(x => x.Keys.Any(k => keys.Any(q => k.Length > q.Length && k.StartsWith(q, StringComparison.Ordinal))))
            .Select(x => x.Id).ToList();
    }

    /// <summary>
    /// Ids whose names are within a few edits of <paramref name="text"/> (a swap of two neighbours counts as one), best
    /// first; ties go to the longer shared beginning, then catalog order.
    /// </summary>
    public IReadOnlyList<string> Suggest(string text, int max = 3)
    {
        string q = DeviceName.Key(text);
        if (q.Length == 0)
            return [];
        int limit = Math.Max(2, q.Length / 3);
        return items
            .Select((x, order) => (x.Id, order, Best: x.Keys
                .Select(k => (Distance: k.StartsWith(q, StringComparison.Ordinal) ? 0 : EditDistance.WithTranspositions(q, k, limit), Shared: SharedPrefix(q, k)))
                .OrderBy(s => s.Distance).ThenByDescending(s => s.Shared).First()))
            .Where(x => x.Best.Distance <= limit)
            .OrderBy(x => x.Best.Distance).ThenByDescending(x => x.Best.Shared).ThenBy(x => x.order)
            .Take(max).Select(x => x.Id).ToList();
    }

    private static int SharedPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
            n++;
        return n;
    }
}
