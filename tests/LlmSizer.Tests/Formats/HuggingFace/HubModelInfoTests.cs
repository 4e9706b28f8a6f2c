using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;
using Xunit;

namespace LlmSizer.Tests.Formats.HuggingFace;

/// <summary>The Hub's model-info answer read alone (the fuzz target hub-info).</summary>
public class HubModelInfoTests
{
    private const string Sha = "060db6499f32faf8b98477b0a26969ef7d8b9987";

    private static HubModelInfo Parse(string json) => HubModelInfo.Parse(Encoding.UTF8.GetBytes(json), "Qwen/Qwen2.5-0.5B");

    private static string Error(string json) => Assert.Throws<InputException>(() => Parse(json)).Message;

    [Fact]
    public void The_commit_and_the_files_with_their_sizes_are_read()
    {
        var info = Parse($$"""{"sha":"{{Sha}}","siblings":[{"rfilename":"config.json","size":681},{"rfilename":"tokenizer.json"}]}""");
        Assert.Equal(Sha, info.Sha);
        Assert.Equal([new HubFile("config.json", 681), new HubFile("tokenizer.json", null)], info.Files);
    }

    // Before HubModelInfo, JsonElement.TryGetProperty on a non-object threw InvalidOperationException: an answer that is an
    // array, or a sibling that is not an object, ended the CLI in "internal error".
    [Fact]
    public void A_root_that_is_not_an_object_is_refused()
    {
        Assert.Equal("Qwen/Qwen2.5-0.5B: Hub answer: expected a JSON object, found array", Error("[1, 2]"));
    }

    [Fact]
    public void Siblings_that_are_not_objects_with_a_file_name_are_skipped()
    {
        var info = Parse($$"""{"sha":"{{Sha}}","siblings":[1, "x", null, {"size": 5}, {"rfilename":"a.json","size":"big"}]}""");
        Assert.Equal([new HubFile("a.json", null)], info.Files);
    }

    [Theory]
    [InlineData("{\"sha\": 5}", "Qwen/Qwen2.5-0.5B: Hub answer: expected a 40-hex-digit commit 'sha', found none")]
    [InlineData("{\"sha\": \"main\"}", "Qwen/Qwen2.5-0.5B: Hub answer: expected a 40-hex-digit commit 'sha', found none")]
    [InlineData("{\"sha\": ", "Qwen/Qwen2.5-0.5B: Hub answer: expected JSON model info, found something else")]
    [InlineData("{\"sha\": \"\\ud800\"}", "Qwen/Qwen2.5-0.5B: field 'sha': expected UTF-8 text, found invalid bytes or a lone surrogate escape in a string")]
    public void Other_answers_are_refused_naming_the_repo(string json, string message)
    {
        Assert.Equal(message, Error(json));
    }
}
