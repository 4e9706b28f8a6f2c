using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Models;

public class ModelCatalogTests
{
    public static TheoryData<string> EntryIds()
    {
        var data = new TheoryData<string>();
        foreach (var e in ModelCatalog.Entries)
            data.Add(e.Id);
        return data;
    }

    /// <summary>Every entry's computed count equals its published count: exactly where the publisher states digits,
    /// within half the last stated digit where it rounds (source recorded in each entry's "source").</summary>
    [Theory]
    [MemberData(nameof(EntryIds))]
    public void Every_catalog_entry_matches_its_official_parameter_count(string id)
    {
        var entry = ModelCatalog.Find(id)!;
        var count = ParameterCounter.Count(entry.Spec);
        AssertMatches(entry, OfficialCount.Parse(entry.OfficialParameters), count.Total, "total");
        if (entry.OfficialActiveParameters is { } active)
            AssertMatches(entry, OfficialCount.Parse(active),
                entry.OfficialActiveExcludesEmbedding ? count.Active - count.Breakdown.Embedding : count.Active, "active");
        else
            Assert.Equal(count.Total, count.Active);
    }

    private static void AssertMatches(CatalogEntry entry, OfficialCount official, long computed, string what)
    {
        if (official.Matches(computed))
            return;
        Assert.True(entry.Note is not null && entry.Tolerance > 0 && Math.Abs(computed - official.Value) <= entry.Tolerance * official.Value,
            $"{entry.Id}: computed {what} {computed:N0} does not match the official {official.Stated} (±{official.HalfUnit:N0})");
    }

    [Fact]
    public void Catalog_ids_are_unique_lower_case_and_sorted_within_reason()
    {
        var ids = ModelCatalog.Entries.Select(e => e.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(id.ToLowerInvariant(), id));
    }

    [Fact]
    public void A_tolerance_is_only_allowed_with_a_note_that_explains_it()
    {
        Assert.All(ModelCatalog.Entries, e => Assert.True(e.Tolerance == 0 || e.Note is not null, e.Id));
        Assert.All(ModelCatalog.Entries, e => Assert.InRange(e.Tolerance, 0, 0.02));
    }
}
