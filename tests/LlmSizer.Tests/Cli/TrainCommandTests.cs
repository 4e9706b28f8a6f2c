using Xunit;

namespace LlmSizer.Tests.Cli;

public class TrainCommandTests
{
    [Fact]
    public void Train_json_follows_the_contract_and_per_gpu_items_sum_to_the_per_gpu_total()
    {
        var r = CliResult.Run("train", "llama-3.1-8b", "--gpus", "8", "--zero", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        var memory = r.Json.GetProperty("memory");
        long perGpu = memory.GetProperty("perGpuBytes").GetInt64();
        var items = r.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(perGpu, items.Where(i => i.GetProperty("location").GetString() == "GPU").Sum(i => i.GetProperty("bytes").GetInt64()));
        Assert.Equal(perGpu * 8, memory.GetProperty("totalBytes").GetInt64());
        Assert.Equal(8, r.Json.GetProperty("gpus").GetProperty("count").GetInt32());
        Assert.Equal(8_030_261_248, r.Json.GetProperty("parameters").GetProperty("trainable").GetInt64());
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("formula").GetString())));
        // DeepSpeed's estimator sits beside the precise figure for ZeRO-3 runs.
        Assert.Contains("offload_optimizer=none", r.Json.GetProperty("quickEstimates").GetProperty("deepSpeed").GetProperty("printed").GetString());
    }

    [Fact]
    public void With_a_device_and_no_count_train_finds_the_fewest_gpus_that_fit()
    {
        var r = CliResult.Run("train", "llama-3.1-70b", "--device", "h100", "--zero", "3", "--recompute", "full", "--json");
        Assert.Equal(0, r.ExitCode);
        var gpus = r.Json.GetProperty("gpus");
        Assert.True(gpus.GetProperty("fits").GetBoolean());
        Assert.Equal(gpus.GetProperty("minimum").GetInt32(), gpus.GetProperty("count").GetInt32());
        Assert.True(r.Json.GetProperty("quickEstimates").GetProperty("gpus").GetInt32() > 0);
        Assert.True(r.Json.GetProperty("compute").GetProperty("gpuHours").GetDouble() > 0);
    }

    [Fact]
    public void Qlora_reports_the_adapters_as_trainable_and_shows_the_table()
    {
        var r = CliResult.Run("train", "llama-3.1-8b", "--method", "qlora", "--lora-targets", "all-linear", "--lora-rank", "16", "--gpu-memory", "24GB", "--explain");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("41,943,040 of 8,030,261,248 parameters trainable", r.Stdout);
        Assert.Contains("frozen base weights", r.Stdout);
        Assert.Contains("Quick estimate (rule of thumb)", r.Stdout);
        Assert.Contains("source:", r.Stdout);
    }

    [Theory]
    [InlineData("--tp", "3")]
    [InlineData("--method", "dora")]
    [InlineData("--zero", "4")]
    [InlineData("--seq", "0")]
    [InlineData("--mfu", "1.5")]
    [InlineData("--tokens", "lots")]
    public void Bad_options_exit_2_with_one_line_naming_the_option(string option, string value)
    {
        var r = CliResult.Run("train", "llama-3.1-8b", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
