using LlmSizer.Sampling;
using Xunit;

namespace LlmSizer.Tests.Sampling;

public class LogSumExpTests
{
    [Fact]
    public void Softmax_of_log_one_two_three_is_one_two_three_sixths()
    {
        // exp(0) : exp(ln 2) : exp(ln 3) = 1 : 2 : 3, total 6.
        var p = LogSumExp.Probabilities([0, Math.Log(2), Math.Log(3)]);
        Assert.Equal(1.0 / 6, p[0], 15);
        Assert.Equal(2.0 / 6, p[1], 15);
        Assert.Equal(3.0 / 6, p[2], 15);
        Assert.Equal(Math.Log(6), LogSumExp.Of([0, Math.Log(2), Math.Log(3)]), 15);
    }

    [Fact]
    public void Entropy_of_a_fair_coin_is_ln_2_and_of_one_certain_token_zero()
    {
        Assert.Equal(Math.Log(2), LogSumExp.EntropyNats([5, 5]), 15);
        // H(0.5, 0.25, 0.25) = 0.5 ln 2 + 2 × 0.25 ln 4 = 1.5 ln 2.
        Assert.Equal(1.5 * Math.Log(2), LogSumExp.EntropyNats([Math.Log(2), 0, 0]), 14);
        Assert.Equal(0, LogSumExp.EntropyNats([7]));
        Assert.Equal(0, LogSumExp.EntropyNats([1e4, double.NegativeInfinity]));
    }

    [Fact]
    public void Logits_of_magnitude_1e4_stay_finite_and_exact()
    {
        // A naive exp(10000) overflows to ∞ and gives ∞/∞ = NaN; shifted by the max, the terms are exp(0) = 1 and exp(−ln 3) = 1/3:
        // p = 1 / (1 + 1/3) = 0.75 and 0.25.
        var p = LogSumExp.Probabilities([1e4, 1e4 - Math.Log(3)]);
        Assert.Equal(0.75, p[0], 12);
        Assert.Equal(0.25, p[1], 12);
        var negative = LogSumExp.Probabilities([-1e4, -1e4 - Math.Log(3)]);
        Assert.Equal(0.75, negative[0], 12);
        // 1e4 against −1e4: exp(−2e4) underflows to 0, so the first is certain and nothing is NaN.
        var apart = LogSumExp.Probabilities([1e4, -1e4]);
        Assert.Equal([1.0, 0.0], apart);
        Assert.Equal(1e4 + Math.Log(1 + 1.0 / 3), LogSumExp.Of([1e4, 1e4 - Math.Log(3)]), 9);
    }

    [Fact]
    public void A_pipeline_on_logits_of_magnitude_1e4_gives_the_same_distribution_as_on_shifted_logits()
    {
        // Softmax ignores a common offset: 1e4 + [0, −1, −2] and [0, −1, −2] are the same distribution at every stage.
        var settings = new SamplingSettings { Temperature = 0.7, TopP = 0.9, MinP = 0.05 };
        var big = SamplingPipeline.Run(TokenLogits.FromLogits([1e4, 1e4 - 1, 1e4 - 2, -1e4]), settings, SamplingEngineProfile.LlamaCpp).Final;
        var small = SamplingPipeline.Run(TokenLogits.FromLogits([0, -1, -2, -2e4]), settings, SamplingEngineProfile.LlamaCpp).Final;
        Assert.Equal(small.Tokens.ToArray(), big.Tokens.ToArray());
        for (int i = 0; i < small.Count; i++)
            Assert.Equal(small.Probabilities[i], big.Probabilities[i], 9);
        Assert.All(big.Probabilities.ToArray(), p => Assert.True(double.IsFinite(p)));
    }
}
