using LlmSizer.Errors;
using LlmSizer.Requests;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class ModelListRequestTests
{
    [Fact]
    public void Sizes_bound_the_total_parameters()
    {
        // Llama 3.1 70B has 70,553,706,496 parameters and 8B 8,030,261,248 (the counts of their safetensors files).
        var ids = new ModelListRequest { Family = "llama 3.1", Min = "70b", Max = "1.5t" }.Build(FieldStyle.Query).Models.Select(m => m.Id).ToList();
        Assert.Contains("llama-3.1-70b", ids);
        Assert.DoesNotContain("llama-3.1-8b", ids);
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("8x7b")]
    public void A_size_that_is_not_a_plain_parameter_count_is_refused(string text)
    {
        var web = Assert.Throws<UsageException>(() => new ModelListRequest { Min = text }.Build(FieldStyle.Query));
        Assert.Equal($"min '{text}': expected a size such as 500m, 7b or 1.5t", web.Message);
        Assert.Equal($"--max '{text}': expected a size such as 500m, 7b or 1.5t",
            Assert.Throws<UsageException>(() => new ModelListRequest { Max = text }.Build(FieldStyle.Cli)).Message);
    }
}
