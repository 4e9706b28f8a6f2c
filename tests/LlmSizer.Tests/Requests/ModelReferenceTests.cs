using LlmSizer.Requests;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class ModelReferenceTests
{
    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("..\\models\\x")]
    [InlineData("config.json")]
    [InlineData("model.gguf")]
    [InlineData("model-00001-of-00002.safetensors")]
    [InlineData("ollama:llama3.1:8b")]
    public void Paths_and_local_stores_are_path_like(string text) => Assert.True(ModelReference.IsPathLike(text));

    [Theory]
    [InlineData("llama-3.1-8b")]
    [InlineData("7b")]
    [InlineData("8x7b")]
    [InlineData("hf:meta-llama/Llama-3.1-8B")]
    [InlineData("  ")]
    public void Catalog_ids_sizes_and_hub_ids_are_not(string text) => Assert.False(ModelReference.IsPathLike(text));

    [Fact]
    public void A_bare_name_that_exists_on_disk_is_path_like()
    {
        // ModelSource.Open reads an existing folder before it looks in the catalog, whatever the name looks like.
        string name = "requests-test-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(name);
        try
        {
            Assert.True(ModelReference.IsPathLike(name));
        }
        finally
        {
            Directory.Delete(name);
        }
    }
}
