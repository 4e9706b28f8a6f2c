using LlmSizer.Units;
using Xunit;

namespace LlmSizer.Tests.Units;

public class BandwidthTests
{
    [Theory]
    [InlineData("1008GB/s", 1008e9)]
    [InlineData("3.35 TB/s", 3.35e12)]
    [InlineData("117.7MB/s", 117.7e6)]
    [InlineData("900 gb/s", 900e9)]
    [InlineData("1GiB/s", 1073741824.0)]
    [InlineData("500B/s", 500.0)]
    public void Rates_parse_in_bytes_per_second(string text, double expected)
    {
        Assert.True(Bandwidth.TryParse(text, out double rate));
        Assert.Equal(expected, rate, 1e-3);
    }

    [Theory]
    [InlineData("100Gb/s"), InlineData("10 Gbps"), InlineData("25Gbit/s"), InlineData("1008GB"), InlineData("fast"), InlineData(""), InlineData("-5GB/s")]
    public void Bits_sizes_and_words_are_not_rates(string text) => Assert.False(Bandwidth.TryParse(text, out _));

    [Fact]
    public void Rates_print_in_gb_per_second_or_mb_per_second() =>
        Assert.Equal(("1008 GB/s", "117.7 MB/s"), (Bandwidth.Format(1008e9), Bandwidth.Format(117.7e6)));
}
