using LlmSizer.Errors;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Training;

public class OptimizerTests
{
    [Fact]
    public void Adamw_keeps_two_moments_per_parameter_at_the_state_width()
    {
        Assert.Equal(2L * 4096 * 4096 * 4, Optimizer.StateBytes(OptimizerKind.AdamW, 4096L * 4096, 4096, 4096, 1, 4));
        Assert.Equal(2L * 4096 * 4096 * 2, Optimizer.StateBytes(OptimizerKind.AdamW, 4096L * 4096, 4096, 4096, 1, 2));
    }

    // bitsandbytes 8-bit optimizers: one byte per moment plus an fp32 absmax per block of 256 values (block-wise quantization,
    // Dettmers et al. 2022), and tensors under min_8bit_size = 4096 values keep 32-bit states.
    [Fact]
    public void Eight_bit_adamw_stores_a_byte_per_moment_and_a_float_per_block_except_for_small_tensors()
    {
        long n = 4096L * 4096;
        Assert.Equal(2 * (n + n / 256 * 4), Optimizer.StateBytes(OptimizerKind.AdamW8bit, n, 4096, 4096, 1, 4));
        Assert.Equal(2L * 4095 * 4, Optimizer.StateBytes(OptimizerKind.AdamW8bit, 4095, 0, 0, 1, 4));
        // 4097 values: 17 blocks of 256, the last one partial.
        Assert.Equal(2L * (4097 + 17 * 4), Optimizer.StateBytes(OptimizerKind.PagedAdamW8bit, 4097, 0, 0, 1, 4));
    }

    // Adafactor (Shazeer & Stern 2018) keeps a row and a column mean of the squared gradient for a matrix, a full one for a vector;
    // transformers' default beta1=None keeps no first moment.
    [Fact]
    public void Adafactor_factors_matrices_and_keeps_vectors_whole()
    {
        Assert.Equal((14336L + 4096) * 4, Optimizer.StateBytes(OptimizerKind.Adafactor, 14336L * 4096, 14336, 4096, 1, 4));
        Assert.Equal(8 * (768L + 2048) * 4, Optimizer.StateBytes(OptimizerKind.Adafactor, 8L * 768 * 2048, 768, 2048, 8, 4));
        Assert.Equal(4096L * 4, Optimizer.StateBytes(OptimizerKind.Adafactor, 4096, 0, 0, 1, 4));
    }

    [Fact]
    public void Sgd_keeps_nothing_and_momentum_and_lion_keep_one_buffer()
    {
        Assert.Equal(0, Optimizer.StateBytes(OptimizerKind.Sgd, 1000, 10, 100, 1, 4));
        Assert.Equal(4000, Optimizer.StateBytes(OptimizerKind.SgdMomentum, 1000, 10, 100, 1, 4));
        Assert.Equal(4000, Optimizer.StateBytes(OptimizerKind.Lion, 1000, 10, 100, 1, 4));
    }

    [Theory]
    [InlineData("adamw", OptimizerKind.AdamW)]
    [InlineData("AdamW_8bit", OptimizerKind.AdamW8bit)]
    [InlineData("paged_adamw_8bit", OptimizerKind.PagedAdamW8bit)]
    [InlineData("paged_adamw_32bit", OptimizerKind.PagedAdamW)]
    [InlineData("adamw_torch_fused", OptimizerKind.AdamW)]
    [InlineData("lion", OptimizerKind.Lion)]
    public void Optimizer_names_parse_as_the_trainers_spell_them(string text, OptimizerKind expected) =>
        Assert.Equal(expected, Optimizer.Parse(text));

    [Fact]
    public void An_unknown_optimizer_is_an_error_listing_the_known_ones() =>
        Assert.Contains("adafactor", Assert.Throws<UsageException>(() => Optimizer.Parse("rmsprop")).Message);
}
