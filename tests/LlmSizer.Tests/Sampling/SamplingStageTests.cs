using LlmSizer.Sampling;
using Xunit;
using static LlmSizer.Tests.Sampling.SamplingTestData;

namespace LlmSizer.Tests.Sampling;

/// <summary>Each stage alone on small distributions whose results are worked out by hand in the comments.</summary>
public class SamplingStageTests
{
    [Fact]
    public void Temperature_one_half_squares_the_odds()
    {
        // p = (0.8, 0.2): odds 4. Logits divided by T = 0.5 double, so the odds become 4^(1/0.5) = 16: p = 16/17 and 1/17.
        var final = Run(Probabilities(0.8, 0.2), new SamplingSettings { Temperature = 0.5 }, SamplingStage.Temperature);
        Assert.Equal(16.0 / 17, final.Probabilities[0], 14);
        Assert.Equal(1.0 / 17, final.Probabilities[1], 14);
    }

    [Fact]
    public void Temperature_two_takes_the_square_root_of_the_odds()
    {
        // p = (0.9, 0.1): odds 9 → 9^(1/2) = 3 → p = 3/4 and 1/4.
        var final = Run(Probabilities(0.9, 0.1), new SamplingSettings { Temperature = 2 }, SamplingStage.Temperature);
        Assert.Equal(0.75, final.Probabilities[0], 14);
        Assert.Equal(0.25, final.Probabilities[1], 14);
    }

    [Fact]
    public void Temperature_zero_is_greedy_and_a_tie_goes_to_the_lower_id()
    {
        var final = Run(TokenLogits.FromLogits([1, 3, 3, 2]), new SamplingSettings { Temperature = 0 }, SamplingStage.Temperature);
        Assert.Equal([1], final.Tokens.ToArray()); // tokens 1 and 2 tie at logit 3: id 1 first
        Assert.Equal([1.0], final.Probabilities.ToArray());
    }

    [Fact]
    public void Top_k_two_keeps_the_two_most_probable_renormalized()
    {
        // (0.5, 0.3, 0.15, 0.05), k = 2: 0.5 and 0.3 survive, over 0.8: 0.625 and 0.375.
        var final = Run(Probabilities(0.5, 0.3, 0.15, 0.05), new SamplingSettings { TopK = 2 }, SamplingStage.TopK);
        Assert.Equal([0, 1], final.Tokens.ToArray());
        Assert.Equal(0.625, final.Probabilities[0], 14);
        Assert.Equal(0.375, final.Probabilities[1], 14);
    }

    [Fact]
    public void Top_k_breaks_a_tie_at_the_boundary_by_lower_id()
    {
        // Logits 2, 1, 1, 1 with k = 2: token 0, then the lowest id of the three tied at 1, token 1.
        var final = Run(TokenLogits.FromLogits([2, 1, 1, 1]), new SamplingSettings { TopK = 2 }, SamplingStage.TopK);
        Assert.Equal([0, 1], final.Tokens.ToArray());
    }

    [Theory]
    [InlineData(0.75, 2)] // cumulative 0.5 < 0.75, 0.5 + 0.3 = 0.8 ≥ 0.75: two tokens
    [InlineData(0.85, 3)] // 0.8 < 0.85, 0.95 ≥ 0.85: three
    [InlineData(0.5, 1)]  // the first token alone reaches 0.5
    [InlineData(0.1, 1)]  // at least one token always survives
    [InlineData(1.0, 4)]  // off
    public void Top_p_keeps_the_smallest_prefix_reaching_p(double p, int kept)
    {
        var final = Run(Probabilities(0.5, 0.3, 0.15, 0.05), new SamplingSettings { TopP = p }, SamplingStage.TopP);
        Assert.Equal(kept, final.Count);
    }

    [Fact]
    public void Top_p_after_top_k_sees_the_renormalized_distribution()
    {
        // (0.5, 0.3, 0.15, 0.05), top-p 0.82 alone: 0.5, 0.8 < 0.82, 0.95 → three tokens.
        // After top-k 3 the survivors are renormalized over 0.95: 0.5263, 0.8421 ≥ 0.82 → two tokens.
        var input = Probabilities(0.5, 0.3, 0.15, 0.05);
        Assert.Equal(3, Run(input, new SamplingSettings { TopP = 0.82 }, SamplingStage.TopP).Count);
        var final = Run(input, new SamplingSettings { TopK = 3, TopP = 0.82 }, SamplingStage.TopK, SamplingStage.TopP);
        Assert.Equal(2, final.Count);
        Assert.Equal(0.625, final.Probabilities[0], 14); // 0.5 / 0.8
    }

    [Fact]
    public void Min_p_is_relative_to_the_top_probability()
    {
        // (0.5, 0.3, 0.15, 0.05), min-p 0.2: cut 0.2 × 0.5 = 0.1, so 0.05 goes; the rest over 0.95.
        var final = Run(Probabilities(0.5, 0.3, 0.15, 0.05), new SamplingSettings { MinP = 0.2 }, SamplingStage.MinP);
        Assert.Equal([0, 1, 2], final.Tokens.ToArray());
        Assert.Equal(0.5 / 0.95, final.Probabilities[0], 14);
        Assert.Equal(0.15 / 0.95, final.Probabilities[2], 14);
        // The same min-p on a flat distribution keeps everything: (0.3, 0.25, 0.25, 0.2), cut 0.06.
        Assert.Equal(4, Run(Probabilities(0.3, 0.25, 0.25, 0.2), new SamplingSettings { MinP = 0.2 }, SamplingStage.MinP).Count);
    }

    [Fact]
    public void Typical_p_can_drop_the_most_probable_token()
    {
        // p = (0.4, 0.3, 0.3): H = −(0.4 ln 0.4 + 0.6 ln 0.3) = 0.36652 + 0.72238 = 1.08890 nats.
        // −ln p = (0.91629, 1.20397, 1.20397); distances to H: (0.17261, 0.11507, 0.11507).
        // Ranked: token 1, token 2 (equal distance, lower id first), token 0. Mass 0.5: 0.3 < 0.5, 0.6 ≥ 0.5 → {1, 2}, each 0.5.
        var final = Run(Probabilities(0.4, 0.3, 0.3), new SamplingSettings { TypicalP = 0.5 }, SamplingStage.TypicalP);
        Assert.Equal([1, 2], final.Tokens.ToArray());
        Assert.Equal(0.5, final.Probabilities[0], 14);
    }

    [Fact]
    public void Penalties_divide_positive_logits_multiply_negative_ones_and_subtract_presence_and_frequency()
    {
        // Logits (2, −1, 0.5); previous tokens 0, 1, 0 (token 0 twice). Repetition 2: token 0 → 2 / 2 = 1, token 1 → −1 × 2 = −2.
        // Then frequency 0.25 × count and presence 0.5: token 0 → 1 − 0.5 − 0.5 = 0, token 1 → −2 − 0.25 − 0.5 = −2.75; token 2 stays 0.5.
        var settings = new SamplingSettings { RepetitionPenalty = 2, FrequencyPenalty = 0.25, PresencePenalty = 0.5, PreviousTokens = [0, 1, 0] };
        var input = TokenLogits.FromLogits([2, -1, 0.5]);
        var final = SamplingPipeline.Run(input, settings, SamplingEngineProfile.Vllm, [SamplingStage.Penalties]).Final;
        double z = Math.Exp(0) + Math.Exp(-2.75) + Math.Exp(0.5);
        Assert.Equal(Math.Exp(0.5) / z, final.ProbabilityOf(2), 14);
        Assert.Equal(Math.Exp(0) / z, final.ProbabilityOf(0), 14);
        Assert.Equal(Math.Exp(-2.75) / z, final.ProbabilityOf(1), 14);

        // transformers has no presence or frequency penalty: logits (1, −2, 0.5), and the report says they were ignored.
        var hf = SamplingPipeline.Run(input, settings, SamplingEngineProfile.Transformers, [SamplingStage.Penalties]);
        double zHf = Math.Exp(1) + Math.Exp(-2) + Math.Exp(0.5);
        Assert.Equal(Math.Exp(1) / zHf, hf.Final.ProbabilityOf(0), 14);
        Assert.Equal(["presence penalty", "frequency penalty"], hf.Ignored);
    }

    [Fact]
    public void Llama_cpp_penalties_look_back_64_tokens_only()
    {
        // llama.cpp's penalty_last_n default is 64: token 2 said 65 tokens ago is not penalized there, but is in vLLM.
        var previous = new List<int> { 2 };
        previous.AddRange(Enumerable.Repeat(0, 64));
        var settings = new SamplingSettings { RepetitionPenalty = 2, PreviousTokens = previous, Temperature = 1, TopK = 0, TopP = 1, MinP = 0 };
        var input = TokenLogits.FromLogits([1, 1, 1]);
        var llama = SamplingPipeline.Run(input, settings, SamplingEngineProfile.LlamaCpp).Final;
        var vllm = SamplingPipeline.Run(input, settings, SamplingEngineProfile.Vllm).Final;
        // llama.cpp: logits (0.5, 1, 1); vLLM: (0.5, 1, 0.5).
        Assert.Equal(Math.Exp(1) / (Math.Exp(0.5) + 2 * Math.Exp(1)), llama.ProbabilityOf(2), 14);
        Assert.Equal(Math.Exp(0.5) / (2 * Math.Exp(0.5) + Math.Exp(1)), vllm.ProbabilityOf(2), 14);
    }

    [Fact]
    public void A_token_of_probability_zero_is_never_a_candidate()
    {
        var final = Run(Probabilities(0.5, 0, 0.5), new SamplingSettings { Temperature = 3 }, SamplingStage.Temperature);
        Assert.Equal([0, 2], final.Tokens.ToArray());
    }
}
