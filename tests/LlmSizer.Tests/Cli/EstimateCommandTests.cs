using Xunit;

namespace LlmSizer.Tests.Cli;

public class EstimateCommandTests
{
    private static long Memory(CliResult r, string field) => r.Json.GetProperty("memory").GetProperty(field).GetInt64();

    [Theory]
    [InlineData("llama.cpp")]
    [InlineData("vllm")]
    [InlineData("transformers")]
    public void Estimate_json_follows_the_contract_and_its_parts_sum_to_the_total(string engine)
    {
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--engine", engine, "--context", "8192", "--gpu-memory", "80GB", "--json");
        Assert.Equal(0, r.ExitCode);
        long total = Memory(r, "totalBytes");
        Assert.Equal(total, Memory(r, "weightsBytes") + Memory(r, "kvCacheBytes") + Memory(r, "computeBytes") + Memory(r, "overheadBytes"));
        Assert.Equal(total, r.Json.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("bytes").GetInt64()));
        Assert.All(r.Json.GetProperty("items").EnumerateArray(), i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("formula").GetString())));
        Assert.Equal(8192, r.Json.GetProperty("contextTokens").GetInt32());
    }

    // vLLM logs "Model loading took 14.9888 GiB" for Llama-3.1-8B in BF16: 8,030,261,248 × 2 B of weights plus the
    // rotary cos/sin cache of 131,072 positions × 128 × 2 B.
    [Fact]
    public void Vllm_loads_llama_3_1_8b_in_bf16_in_14_9888_GiB_and_reports_kv_capacity()
    {
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--engine", "vllm", "--gpu-memory", "80GB", "--context", "8192", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(8_030_261_248L * 2 + 131_072L * 128 * 2, Memory(r, "weightsBytes"));
        Assert.Equal("14.9888", (Memory(r, "weightsBytes") / (double)(1L << 30)).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        var kv = r.Json.GetProperty("kvCache");
        long tokens = kv.GetProperty("tokens").GetInt64();
        Assert.Equal(0, tokens % 16);
        // 32 layers × 8 KV heads × 128 × 2 (K and V) × 2 B = 128 KiB per token.
        Assert.Equal(tokens * 131_072, Memory(r, "kvCacheBytes"));
        Assert.Equal(tokens / 8192.0, kv.GetProperty("maxConcurrency").GetDouble(), 2);
    }

    // DynamicCache of Llama-2-7B at 4096 tokens in 16-bit: 2 × 32 layers × 32 heads × 128 × 4096 × 2 B = 2 GiB.
    [Fact]
    public void Transformers_keeps_2_GiB_of_kv_cache_for_llama_2_7b_at_4096_tokens()
    {
        var r = CliResult.Run("estimate", "llama-2-7b", "--engine", "transformers", "--context", "4096", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2_147_483_648, Memory(r, "kvCacheBytes"));
    }

    // llama.cpp's f16 KV cache: 32 layers × 8192 cells × (K 1024 + V 1024 values) × 2 B = 1 GiB for Llama-3.1-8B.
    [Fact]
    public void Llama_cpp_kv_cache_for_llama_3_1_8b_at_8192_tokens_is_1_GiB_in_f16_and_half_in_q8_0_plus_scales()
    {
        var f16 = CliResult.Run("estimate", "llama-3.1-8b", "--context", "8192", "--json");
        Assert.Equal(1_073_741_824, Memory(f16, "kvCacheBytes"));
        // q8_0 rows: 1024 values = 32 blocks × 34 B = 1088 B.
        var q8 = CliResult.Run("estimate", "llama-3.1-8b", "--context", "8192", "--kv-type", "q8_0", "--flash-attention", "on", "--json");
        Assert.Equal(32L * 8192 * 2 * 1088, Memory(q8, "kvCacheBytes"));
    }

    [Fact]
    public void The_context_used_is_printed_and_memory_grows_with_it()
    {
        var small = CliResult.Run("estimate", "qwen2.5-7b", "--context", "4096", "--json");
        var large = CliResult.Run("estimate", "qwen2.5-7b", "--context", "32768", "--json");
        Assert.True(Memory(large, "totalBytes") > Memory(small, "totalBytes"));
        var text = CliResult.Run("estimate", "qwen2.5-7b");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("context ", text.Stdout);
        Assert.Contains("Settings:", text.Stdout);
    }

    [Fact]
    public void Explain_shows_formula_inputs_and_source_for_every_line()
    {
        var r = CliResult.Run("estimate", "mistral-7b", "--context", "4096", "--explain");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("formula:", r.Stdout);
        Assert.Contains("inputs:", r.Stdout);
        Assert.Contains("source:", r.Stdout);
    }

    [Theory]
    [InlineData("--context", "0")]
    [InlineData("--batch", "-1")]
    [InlineData("--engine", "tensorrt")]
    [InlineData("--flash-attention", "maybe")]
    [InlineData("--gpu-memory", "lots")]
    public void Bad_inference_options_are_usage_errors(string option, string value)
    {
        var r = CliResult.Run("estimate", "llama-3.1-8b", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("llmsizer: ", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void An_unknown_weight_type_is_a_usage_error_with_a_suggestion()
    {
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--weights", "Q4_K_N");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Q4_K_M", r.Stderr);
    }

    [Fact]
    public void A_quantized_v_cache_without_flash_attention_is_refused_with_llama_cpp_s_rule()
    {
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--kv-type", "q8_0", "--flash-attention", "off");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("flash", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}
