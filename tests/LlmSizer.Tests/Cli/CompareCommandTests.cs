using Xunit;

namespace LlmSizer.Tests.Cli;

public class CompareCommandTests
{
    [Fact]
    public void Compare_json_has_one_entry_per_model_with_memory_fits_and_the_cheapest_tier()
    {
        var r = CliResult.Run("compare", "13b:int8", "7b:bf16", "llama-3.1-8b:q4_k_m", "--device", "rtx-4090", "--device", "h100x2", "--json");
        Assert.Equal(0, r.ExitCode);
        var models = r.Json.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(3, models.Count);
        Assert.Equal(["rtx-4090", "h100-sxm"], r.Json.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        foreach (var m in models)
        {
            var memory = m.GetProperty("memory");
            Assert.Equal(memory.GetProperty("totalBytes").GetInt64(),
                memory.GetProperty("weightsBytes").GetInt64() + memory.GetProperty("kvCacheBytes").GetInt64()
                + memory.GetProperty("computeBytes").GetInt64() + memory.GetProperty("overheadBytes").GetInt64());
            Assert.Equal(2, m.GetProperty("fits").GetArrayLength());
            Assert.True(m.GetProperty("parameters").GetProperty("total").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(m.GetProperty("cheapestTier").GetProperty("id").GetString()));
        }
        Assert.Equal(2, models[0].GetProperty("fits")[1].GetProperty("count").GetInt32());
    }

    [Fact]
    public void Compare_prints_models_side_by_side_with_gb_and_gib_labelled()
    {
        var r = CliResult.Run("compare", "7b:q4_k_m", "70b:q4_k_m", "--device", "rtx-4090", "--ram", "64GB");
        Assert.Equal(2, r.ExitCode); // --ram is fit's option, not compare's
        r = CliResult.Run("compare", "7b:q4_k_m", "70b:q4_k_m", "--device", "rtx-4090");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("7b:q4_k_m", r.Stdout);
        Assert.Contains("Total memory (GiB)", r.Stdout);
        Assert.Contains("offload (-ngl", r.Stdout); // the 70B does not fit a 24 GB card whole
        Assert.Contains("GB = 10^9 bytes, GiB = 2^30 bytes", r.Stdout);
    }

    [Theory]
    [InlineData("13b:q4km", "did you mean")]
    [InlineData("nosuchmodel:Q4_K_M", "unknown model 'nosuchmodel'")]
    public void Bad_models_are_usage_errors(string model, string message)
    {
        var r = CliResult.Run("compare", "7b", model);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
