using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Cli;

public class InspectCommandTests
{
    // Llama-2-7b-hf: 6,738,415,616 parameters (Hugging Face safetensors count).
    [Fact]
    public void Inspect_json_follows_the_contract_for_a_catalog_model()
    {
        var r = CliResult.Run("inspect", "llama-2-7b", "--json");
        Assert.Equal(0, r.ExitCode);
        var p = r.Json.GetProperty("parameters");
        Assert.Equal(6_738_415_616, p.GetProperty("total").GetInt64());
        Assert.Equal(6_738_415_616, p.GetProperty("active").GetInt64());
        var b = p.GetProperty("breakdown");
        long sum = 0;
        foreach (var name in new[] { "embedding", "attention", "mlp", "norm", "lmHead", "other" })
            sum += b.GetProperty(name).GetInt64();
        Assert.Equal(6_738_415_616, sum);
        var fp16 = r.Json.GetProperty("weights").EnumerateArray().Single(w => w.GetProperty("format").GetString() == "FP16");
        Assert.Equal(2 * 6_738_415_616, fp16.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Catalog_ids_match_case_insensitively()
    {
        var r = CliResult.Run("inspect", "LLAMA-2-7B", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("llama-2-7b", r.Json.GetProperty("model").GetProperty("id").GetString());
    }

    [Fact]
    public void Inspect_7b_shows_the_bytes_table_users_know_with_units_named()
    {
        var r = CliResult.Run("inspect", "7b");
        Assert.Equal(0, r.ExitCode);
        var json = CliResult.Run("inspect", "7b", "--json").Json;
        long total = json.GetProperty("parameters").GetProperty("total").GetInt64();
        // FP32 ≈ 28 GB, BF16 ≈ 14 GB, INT8 ≈ 7 GB, INT4 ≈ 3.5 GB: 4, 2, 1 and 0.5 bytes per parameter.
        Assert.Contains($"{total * 4 / 1e9:0.00} GB", r.Stdout);
        Assert.Contains($"{total * 2 / 1e9:0.00} GB", r.Stdout);
        Assert.Contains($"{total / 1e9:0.00} GB", r.Stdout);
        Assert.Contains($"{total / 2 / 1e9:0.00} GB", r.Stdout);
        Assert.Contains($"{total * 2 / (double)(1L << 30):0.00} GiB", r.Stdout);
        Assert.InRange(total * 4 / 1e9, 27.7, 28.3);
        Assert.Contains("architecture assumed", r.Stdout);
    }

    [Fact]
    public void A_mixture_shows_active_parameters_and_says_the_embedding_is_included()
    {
        var r = CliResult.Run("inspect", "mixtral-8x7b");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Active per token: 12,879,925,248 (12.88B), embedding included", r.Stdout);
    }

    [Fact]
    public void An_unknown_id_is_a_usage_error_with_a_suggestion()
    {
        var r = CliResult.Run("inspect", "lama-2-7b");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("did you mean llama-2-7b", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void An_unknown_id_with_json_prints_an_error_document()
    {
        var r = CliResult.Run("inspect", "lama-2-7b", "--json");
        Assert.Equal(2, r.ExitCode);
        var error = r.Json.GetProperty("error");
        Assert.Equal("usage", error.GetProperty("code").GetString());
        Assert.Contains("lama-2-7b", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("0.001b")]
    [InlineData("99t")]
    public void A_size_out_of_range_is_a_usage_error(string size)
    {
        var r = CliResult.Run("inspect", size);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("expected 100M to 10T parameters", r.Stderr);
    }

    [Fact]
    public void A_missing_argument_is_a_usage_error()
    {
        var r = CliResult.Run("inspect");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("llmsizer: ", r.Stderr);
    }

    [Fact]
    public void A_config_file_is_read_and_counted()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("config.json", """
            {"model_type": "llama", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008,
             "num_hidden_layers": 32, "num_attention_heads": 32, "max_position_embeddings": 4096, "torch_dtype": "float16"}
            """);
        foreach (string arg in new[] { path, dir.Path })
        {
            var r = CliResult.Run("inspect", arg, "--json");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(6_738_415_616, r.Json.GetProperty("parameters").GetProperty("total").GetInt64());
            Assert.Equal("float16", r.Json.GetProperty("model").GetProperty("checkpointDtype").GetString());
        }
    }

    [Fact]
    public void A_broken_config_file_fails_with_exit_1_naming_file_and_field_without_a_stack_trace()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("config.json", """
            {"model_type": "llama", "vocab_size": 32000, "hidden_size": 0, "intermediate_size": 11008,
             "num_hidden_layers": 32, "num_attention_heads": 32}
            """);
        var r = CliResult.Run("inspect", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"llmsizer: {path}: field 'hidden_size': expected a positive integer, found 0", r.Stderr.TrimEnd());
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
