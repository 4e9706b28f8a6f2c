using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Models;

public class RepresentativeArchitectureTests
{
    [Theory]
    [InlineData("7b", 7_000_000_000)]
    [InlineData("1.5B", 1_500_000_000)]
    [InlineData("70b", 70_000_000_000)]
    [InlineData("405b", 405_000_000_000)]
    [InlineData("0.5b", 500_000_000)]
    [InlineData("175B", 175_000_000_000)]
    [InlineData("350m", 350_000_000)]
    [InlineData("1t", 1_000_000_000_000)]
    public void Bare_sizes_parse_to_the_parameter_count_they_name(string text, long parameters)
    {
        Assert.True(BareSize.TryParse(text, out var size));
        Assert.Equal(parameters, size.Parameters);
        Assert.False(size.IsMixture);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("7gb")]
    [InlineData("b")]
    [InlineData("-7b")]
    [InlineData("llama")]
    [InlineData("1e9b")]
    public void Text_that_is_not_a_size_does_not_parse(string text) => Assert.False(BareSize.TryParse(text, out _));

    public static TheoryData<long> Sizes()
    {
        var data = new TheoryData<long>();
        // Every size from 0.1B to 10T on a 5%-step geometric grid, plus the round ones people type.
        for (double p = 1e8; p <= 1e13; p *= 1.05)
            data.Add((long)p);
        foreach (long p in new long[] { 500_000_000, 1_500_000_000, 7_000_000_000, 8_000_000_000, 13_000_000_000, 70_000_000_000, 405_000_000_000 })
            data.Add(p);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_representative_dense_model_lands_within_one_percent_of_the_size_asked(long parameters)
    {
        var spec = RepresentativeArchitecture.Dense(parameters);
        long total = ParameterCounter.Count(spec).Total;
        Assert.InRange(Math.Abs(total - parameters) / (double)parameters, 0, 0.01);
        // A believable shape: the MLP is 2x to 6x as wide as the residual stream.
        Assert.InRange(spec.FfnSize / (double)spec.HiddenSize, 1.5, 6.0);
    }

    [Fact]
    public void Seven_b_looks_like_a_llama_7b()
    {
        var spec = RepresentativeArchitecture.Dense(7_000_000_000);
        Assert.Equal(4096, spec.HiddenSize);
        Assert.Equal(32, spec.Layers);
        Assert.Equal(32, spec.AttentionHeads);
    }

    // 8x7b: each expert is the MLP of the 7B representative; Mixtral 8x7B's total is 46.7B for the same reason.
    [Fact]
    public void Eight_by_seven_b_is_a_mixtral_style_mixture_whose_one_expert_model_is_7b()
    {
        Assert.True(BareSize.TryParse("8x7b", out var size));
        Assert.Equal(8, size.Experts);
        var spec = RepresentativeArchitecture.Mixture(size.Experts, size.Parameters);
        var count = ParameterCounter.Count(spec);
        long oneExpertModel = ParameterCounter.Count(RepresentativeArchitecture.Dense(size.Parameters)).Total;
        Assert.InRange(Math.Abs(oneExpertModel - 7e9) / 7e9, 0, 0.01);
        var moe = spec.Moe!;
        long perExpertLayer = 3L * spec.HiddenSize * moe.ExpertFfnSize;
        Assert.Equal(oneExpertModel + spec.Layers * (7 * perExpertLayer + spec.HiddenSize * 8L), count.Total);
        Assert.Equal(oneExpertModel + spec.Layers * (perExpertLayer + spec.HiddenSize * 8L), count.Active);
    }
}
