using System.Text.Json;
using LlmSizer.Serialization;

namespace LlmSizer.Models;

/// <summary>The embedded catalog of well-known models (Models/catalog.json).</summary>
public static class ModelCatalog
{
    private static readonly Lazy<IReadOnlyList<CatalogEntry>> Loaded = new(Load);

    public static IReadOnlyList<CatalogEntry> Entries => Loaded.Value;

    /// <summary>Finds an entry by id, case-insensitively; null when there is none.</summary>
    public static CatalogEntry? Find(string id) =>
        Entries.FirstOrDefault(e => string.Equals(e.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Ids closest to <paramref name="query"/> (edit distance and substring), best first.</summary>
    public static IReadOnlyList<string> Suggest(string query, int max = 3)
    {
        string q = query.Trim().ToLowerInvariant();
        int limit = Math.Max(3, q.Length / 2);
        return Entries
            .Select(e => (e.Id, Score: e.Id.Contains(q, StringComparison.Ordinal) ? 0 : EditDistance.Between(q, e.Id, limit)))
            .Where(x => x.Score <= limit)
            .OrderBy(x => x.Score).ThenBy(x => x.Id.Length).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(max).Select(x => x.Id).ToList();
    }

    private static IReadOnlyList<CatalogEntry> Load()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("LlmSizer.Models.catalog.json")
            ?? throw new InvalidOperationException("embedded resource LlmSizer.Models.catalog.json is missing from the build");
        return JsonSerializer.Deserialize(stream, LlmSizerJsonContext.Default.ListCatalogEntry)
            ?? throw new InvalidOperationException("embedded catalog.json is empty");
    }
}
