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
        else if (entry.Spec.Moe is null)
            Assert.Equal(count.Total, count.Active);
        else // a mixture whose publisher gives no active figure must say so
            Assert.Contains("no official active", entry.Note ?? "");
    }

    private static void AssertMatches(CatalogEntry entry, OfficialCount official, long computed, string what) =>
        Assert.True(entry.Agrees(official.Stated, computed),
            $"{entry.Id}: computed {what} {computed:N0} does not match the official {official.Stated} (±{official.HalfUnit:N0})");

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

    /// <summary>The models the catalog issue lists, by id (DeepSeek-V2-Lite is left out: its published 2.4B active
    /// figure is 2.1% below its own checkpoint, beyond the 2% a note may excuse; see deepseek-ai/DeepSeek-V2#73).</summary>
    public static TheoryData<string> RequiredIds() => new(
        "gpt3-175b", "grok-1", "palm-540b",
        "llama-7b", "llama-13b", "llama-33b", "llama-65b", "llama-2-7b", "llama-2-13b", "llama-2-70b",
        "llama-3-8b", "llama-3-70b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "llama-3.3-70b",
        "deepseek-r1", "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-8b",
        "deepseek-r1-distill-qwen-14b", "deepseek-r1-distill-qwen-32b", "deepseek-r1-distill-llama-70b", "deepseek-v3", "deepseek-v2",
        "qwen2.5-0.5b", "qwen2.5-1.5b", "qwen2.5-3b", "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b",
        "qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b", "qwen3-14b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-235b-a22b",
        "mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "gemma-2b", "gemma-7b", "gemma-2-2b", "gemma-2-9b", "gemma-2-27b",
        "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "gemma-3-27b", "phi-3-mini", "phi-3-medium", "phi-4",
        "gpt-oss-20b", "gpt-oss-120b", "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl");

    [Theory]
    [MemberData(nameof(RequiredIds))]
    public void The_catalog_holds_every_model_the_issue_lists(string id) =>
        Assert.True(ModelCatalog.Find(id) is not null, $"catalog has no entry \"{id}\"");

    [Fact]
    public void The_catalog_holds_at_least_65_models() =>
        Assert.True(ModelCatalog.Entries.Count >= 65, $"{ModelCatalog.Entries.Count} entries");

    /// <summary>Where a publisher also breaks its count down, the part without the embedding and LM head matches too:
    /// Gemma reports (arXiv:2403.08295 Table 2, arXiv:2408.00118 Table 2, arXiv:2503.19786 Table 1) and Qwen3 model cards.</summary>
    [Theory]
    [InlineData("gemma-2b", "1,981,884,416")]
    [InlineData("gemma-7b", "7,751,248,896")]
    [InlineData("gemma-2-2b", "2,024,517,888")]
    [InlineData("gemma-2-9b", "8,324,201,984")]
    [InlineData("gemma-2-27b", "26,047,480,320")]
    [InlineData("gemma-3-1b", "698M")]
    [InlineData("gemma-3-4b", "3,209M")]
    [InlineData("gemma-3-12b", "10,759M")]
    [InlineData("gemma-3-27b", "25,600M")]
    [InlineData("qwen3-0.6b", "0.44B")]
    [InlineData("qwen3-1.7b", "1.4B")]
    [InlineData("qwen3-4b", "3.6B")]
    [InlineData("qwen3-8b", "6.95B")]
    [InlineData("qwen3-14b", "13.2B")]
    [InlineData("qwen3-32b", "31.2B")]
    [InlineData("qwen3-30b-a3b", "29.9B")]
    [InlineData("qwen3-235b-a22b", "234B")]
    public void Non_embedding_counts_match_the_published_breakdowns(string id, string nonEmbedding)
    {
        var breakdown = ParameterCounter.Count(ModelCatalog.Find(id)!.Spec).Breakdown;
        long computed = breakdown.Total - breakdown.Embedding - breakdown.LmHead;
        var official = OfficialCount.Parse(nonEmbedding);
        Assert.True(official.Matches(computed), $"{id}: computed non-embedding {computed:N0}, published {nonEmbedding}");
    }
}
