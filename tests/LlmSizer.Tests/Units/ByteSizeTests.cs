using LlmSizer.Units;
using Xunit;

namespace LlmSizer.Tests.Units;

public class ByteSizeTests
{
    [Fact]
    public void GB_and_GiB_are_different_units_and_say_so()
    {
        long bytes = 13_476_831_232; // Llama 2 7B in FP16
        Assert.Equal("13.48 GB", ByteSize.FormatGB(bytes));
        Assert.Equal("12.55 GiB", ByteSize.FormatGiB(bytes));
        Assert.Equal("1.00 GiB", ByteSize.FormatGiB(1L << 30));
        Assert.Equal("1.07 GB", ByteSize.FormatGB(1L << 30));
    }

    [Theory]
    [InlineData("80GB", 80_000_000_000)]
    [InlineData("24 GiB", 25_769_803_776)]
    [InlineData("512MiB", 536_870_912)]
    [InlineData("1.5TB", 1_500_000_000_000)]
    [InlineData("1073741824", 1_073_741_824)]
    public void Sizes_parse_in_the_unit_they_name(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("80 gigs")]
    [InlineData("-5GB")]
    [InlineData("99999999999TB")]
    // Found by the fuzzer (fuzz/regressions/size): 29 digits times 10^9 overflowed decimal itself.
    [InlineData("2222222222222222222222222224GB")]
    [InlineData("79228162514264337593543950335TiB")]
    public void Other_text_is_not_a_size(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
