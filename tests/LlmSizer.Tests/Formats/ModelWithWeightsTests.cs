using LlmSizer.Errors;
using LlmSizer.Formats;
using Xunit;

namespace LlmSizer.Tests.Formats;

public class ModelWithWeightsTests
{
    private static ModelWithWeights Parse(string text) => ModelWithWeights.Parse(text, _ => false);

    [Theory]
    [InlineData("13b:int8", "13b", "int8")]
    [InlineData("7b:bf16", "7b", "bf16")]
    [InlineData("llama-3.1-8b:q4_k_m", "llama-3.1-8b", "q4_k_m")]
    [InlineData("qwen3-30b-a3b:GPTQ-INT4-G32", "qwen3-30b-a3b", "GPTQ-INT4-G32")]
    [InlineData(" 70b : Q8_0 ", "70b", "Q8_0")]
    [InlineData("llama-3.1-8b", "llama-3.1-8b", null)]
    [InlineData("ollama:qwen2.5:7b", "ollama:qwen2.5:7b", null)]
    [InlineData("ollama:llama3:q4_k_m", "ollama:llama3:q4_k_m", null)]
    [InlineData(@"C:\models\llama.gguf", @"C:\models\llama.gguf", null)]
    [InlineData("/data/run:2/model.gguf", "/data/run:2/model.gguf", null)]
    public void The_text_after_the_last_colon_is_the_weights_when_it_names_a_type(string text, string model, string? weights)
    {
        Assert.Equal(new ModelWithWeights(model, weights), Parse(text));
    }

    [Fact]
    public void A_hub_quant_tag_stays_with_the_model_and_is_offered_as_the_weights()
    {
        Assert.Equal(new ModelWithWeights("hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M", "Q4_K_M"), Parse("hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"));
        Assert.Equal(new ModelWithWeights("hf:Qwen/Qwen2.5-7B", null), Parse("hf:Qwen/Qwen2.5-7B"));
        Assert.Equal(new ModelWithWeights("hf:org/name:IQ9_Z", null), Parse("hf:org/name:IQ9_Z"));
    }

    [Fact]
    public void An_existing_path_with_a_colon_is_a_model_whole()
    {
        Assert.Equal(new ModelWithWeights("run:Q4_K_M", null), ModelWithWeights.Parse("run:Q4_K_M", p => p == "run:Q4_K_M"));
    }

    [Fact]
    public void A_misspelt_weights_type_after_a_catalog_name_is_a_usage_error_with_suggestions()
    {
        var e = Assert.Throws<UsageException>(() => Parse("13b:q4km"));
        Assert.StartsWith("'13b:q4km': unknown weights type 'q4km'; did you mean Q4_K_M", e.Message);
        Assert.Contains("Q4_K_M", e.Suggestions);
    }

    [Theory]
    [InlineData("13b:")]
    [InlineData(":Q4_K_M")]
    public void An_empty_side_of_the_colon_is_a_usage_error(string text)
    {
        Assert.Contains("expected MODEL or MODEL:WEIGHTS", Assert.Throws<UsageException>(() => Parse(text)).Message);
    }
}
