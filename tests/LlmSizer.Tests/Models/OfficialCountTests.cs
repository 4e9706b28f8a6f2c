using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Models;

public class OfficialCountTests
{
    [Theory]
    [InlineData("6,738,415,616", 6_738_415_616, 0)]
    [InlineData("175B", 175_000_000_000, 500_000_000)]
    [InlineData("46.7B", 46_700_000_000, 50_000_000)]
    [InlineData("20.91B", 20_910_000_000, 5_000_000)]
    [InlineData("124M", 124_000_000, 500_000)]
    [InlineData("1.5T", 1_500_000_000_000, 50_000_000_000)]
    public void Stated_counts_parse_to_a_value_and_the_half_unit_of_their_last_digit(string stated, long value, long halfUnit)
    {
        var count = OfficialCount.Parse(stated);
        Assert.Equal(value, count.Value);
        Assert.Equal(halfUnit, count.HalfUnit);
        Assert.Equal(halfUnit == 0, count.IsExact);
    }

    [Fact]
    public void A_rounded_count_matches_only_within_half_its_last_digit()
    {
        var count = OfficialCount.Parse("12.9B");
        Assert.True(count.Matches(12_879_925_248));
        Assert.False(count.Matches(12_849_999_999));
    }

    // LLaMA's Table 2 prints 65.2B for 65,285,660,672 parameters: it cuts digits rather than rounding.
    [Fact]
    public void A_truncated_count_matches_from_its_value_up_to_the_next_step()
    {
        var count = OfficialCount.Parse("65.2B");
        Assert.True(count.MatchesTruncated(65_285_660_672));
        Assert.False(count.MatchesTruncated(65_300_000_000));
        Assert.False(count.MatchesTruncated(65_199_999_999));
    }

    [Theory]
    [InlineData("")]
    [InlineData("seven")]
    [InlineData("1.5")]
    [InlineData("-3B")]
    public void Nonsense_is_not_a_count(string stated) => Assert.False(OfficialCount.TryParse(stated, out _));
}
