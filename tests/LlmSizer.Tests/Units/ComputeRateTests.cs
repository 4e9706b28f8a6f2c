using LlmSizer.Units;
using Xunit;

namespace LlmSizer.Tests.Units;

public class ComputeRateTests
{
    [Theory]
    [InlineData("165.2TF", 165.2e12)]
    [InlineData("989.4 TFLOPS", 989.4e12)]
    [InlineData("660.6TOPS", 660.6e12)]
    [InlineData("2.25PF", 2.25e15)]
    [InlineData("972.8GF", 972.8e9)]
    [InlineData("27tflops", 27e12)]
    public void Throughput_parses_in_operations_per_second(string text, double expected)
    {
        Assert.True(ComputeRate.TryParse(text, out double rate));
        Assert.Equal(expected, rate, 1e-3);
    }

    [Theory]
    [InlineData("165"), InlineData("165T"), InlineData("165TB/s"), InlineData("lots"), InlineData("")]
    public void Other_text_is_not_a_throughput(string text) => Assert.False(ComputeRate.TryParse(text, out _));
}
