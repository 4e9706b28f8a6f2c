using Xunit;

namespace LlmSizer.Tests.Cli;

public class ModelsCommandTests
{
    [Fact]
    public void Models_lists_the_whole_catalog_as_json()
    {
        var r = CliResult.Run("models", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(LlmSizer.Models.ModelCatalog.Entries.Count, r.Json.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public void Models_filters_by_text_family_and_size_range()
    {
        var r = CliResult.Run("models", "--family", "llama 2", "--min", "10b", "--max", "20b", "--json");
        Assert.Equal(0, r.ExitCode);
        foreach (var m in r.Json.GetProperty("models").EnumerateArray())
        {
            Assert.Contains("llama 2", m.GetProperty("family").GetString()!, StringComparison.OrdinalIgnoreCase);
            Assert.InRange(m.GetProperty("total").GetInt64(), 10_000_000_000, 20_000_000_000);
        }
        var text = CliResult.Run("models", "mixtral");
        Assert.Contains("mixtral-8x7b", text.Stdout);
        Assert.DoesNotContain("llama-2-7b", text.Stdout);
    }

    [Fact]
    public void A_bad_size_bound_is_a_usage_error()
    {
        var r = CliResult.Run("models", "--min", "huge");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--min 'huge'", r.Stderr);
    }
}
