using LlmSizer.Models;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer models</c> lists.</summary>
public sealed record ModelList(IReadOnlyList<ModelListItem> Models)
{
    /// <summary>Catalog entries whose id, name or family contains <paramref name="filter"/> and whose total lies in [min, max] parameters.</summary>
    public static ModelList Build(string? filter, string? family, long? minParameters, long? maxParameters)
    {
        var items = new List<ModelListItem>();
        foreach (var e in ModelCatalog.Entries)
        {
            if (filter is not null && !Contains(e.Id, filter) && !Contains(e.Name, filter) && !Contains(e.Family, filter))
                continue;
            if (family is not null && !Contains(e.Family, family))
                continue;
            var count = ParameterCounter.Count(e.Spec);
            if (count.Total < (minParameters ?? 0) || count.Total > (maxParameters ?? long.MaxValue))
                continue;
            items.Add(new ModelListItem(e.Id, e.Name, e.Family, count.Total, count.Active, e.OfficialParameters, e.Spec.Moe is not null));
        }
        return new ModelList(items);
    }

    private static bool Contains(string s, string part) => s.Contains(part.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>One catalog model: computed total and active parameters beside the published figure.</summary>
public sealed record ModelListItem(string Id, string Name, string Family, long Total, long Active, string Official, bool MixtureOfExperts);
