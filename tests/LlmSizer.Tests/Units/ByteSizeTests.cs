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
}
