using LlmSizer.Errors;
using LlmSizer.Inference;
using Xunit;

namespace LlmSizer.Tests.Inference.LlamaCpp;

public sealed class KvCacheTypeTests
{
    [Theory]
    [InlineData("f32", 128, 512)]
    [InlineData("f16", 128, 256)]
    [InlineData("bf16", 128, 256)]
    [InlineData("q8_0", 128, 136)]   // 4 blocks × 34 bytes
    [InlineData("q4_0", 128, 72)]    // 4 × 18
    [InlineData("q4_1", 128, 80)]    // 4 × 20
    [InlineData("iq4_nl", 128, 72)]  // 4 × 18
    [InlineData("q5_0", 128, 88)]    // 4 × 22
    [InlineData("q5_1", 128, 96)]    // 4 × 24
    [InlineData("fp8", 128, 128)]
    [InlineData("fp8_e4m3", 128, 128)]
    [InlineData("fp8_e5m2", 576, 576)]
    public void Row_bytes_follow_ggml_block_arithmetic(string name, long values, long bytes) =>
        Assert.Equal(bytes, KvCacheType.Parse(name).RowBytes(values));

    [Fact]
    public void Llama_cpp_offers_its_nine_types_and_vllm_fp8()
    {
        Assert.Equal(["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1"],
            KvCacheType.All.Where(t => t.InLlamaCpp).Select(t => t.Name));
        Assert.True(KvCacheType.Parse("FP8_E5M2").InVllm);
        Assert.False(KvCacheType.Fp8.InLlamaCpp);
        Assert.Same(KvCacheType.Fp8, KvCacheType.Parse("fp8_e4m3"));
    }

    [Fact]
    public void Quantized_types_report_bits_and_blocks()
    {
        var q8 = KvCacheType.Parse("Q8_0");
        Assert.True(q8.IsQuantized);
        Assert.Equal(8.5, q8.BitsPerValue);
        Assert.False(KvCacheType.F16.IsQuantized);
        Assert.Throws<ArgumentException>(() => q8.RowBytes(100)); // not whole 32-value blocks
    }

    [Fact]
    public void Unknown_names_are_usage_errors_with_suggestions()
    {
        var e = Assert.Throws<UsageException>(() => KvCacheType.Parse("q8"));
        Assert.Contains("q8_0", e.Suggestions);
        Assert.Contains("known:", e.Message);
        Assert.Contains("fp8", Assert.Throws<UsageException>(() => KvCacheType.Parse("fp9")).Suggestions);
        Assert.Null(KvCacheType.Find("int3"));
    }
}
