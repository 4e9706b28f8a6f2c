using LlmSizer.Formats;
using LlmSizer.Inference;
using LlmSizer.Reports;
using LlmSizer.Tests.Support;

namespace LlmSizer.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ModelUploadTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_dropped_gguf_is_read_from_its_header_alone_and_becomes_the_model()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        string path = writer.Write(Path.Combine(dir.Path, "qwen2.5-0.5b.gguf"));
        long headerBytes = writer.Header().Length;
        long fileBytes = new FileInfo(path).Length;
        // The tokenizer's 151,936 tokens make the header longer than the first MiB the page sends, so it must ask again.
        Assert.True(headerBytes > 1 << 20);

        await using var s = await PageSession.OpenAsync(fixture);
        var sent = new List<int>();
        s.Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/uploads", StringComparison.Ordinal))
                sent.Add(request.PostDataBuffer?.Length ?? 0);
        };
        await s.Page.SetInputFilesAsync("#model-file", path);
        await s.SettledAsync();

        Assert.True(sent.Count >= 2, $"uploads: {string.Join(", ", sent)}");
        Assert.True(sent[0] < headerBytes);
        Assert.All(sent, n => Assert.True(n < fileBytes / 10, $"{n} bytes sent of a {fileBytes}-byte file"));
        Assert.StartsWith("upload:", Uri.UnescapeDataString(new Uri(s.Page.Url).Query).Split("model=")[1]);
        Assert.Contains("qwen2.5-0.5b.gguf", await s.TextAsync("#model-summary"));

        // Qwen2.5-0.5B's published count (Hugging Face safetensors: 494,032,768), here counted from the file's tensors.
        await s.Page.ClickAsync("#model-summary button.num");
        Assert.StartsWith("494,032,768", await s.TextAsync("#explain-value"));
        await s.Page.Keyboard.PressAsync("Escape");

        var source = ModelSource.Open(path);
        Assert.Equal(Shown.GiB(EstimateReport.Build(source, new InferenceOptions { ContextTokens = 8192 }).Memory.TotalBytes), await s.KpiAsync("total"));
        Assert.Equal("file", (await s.Page.Locator("#memory-curve-legend li").First.InnerTextAsync()).Trim());
        s.AssertNoProblems(p => p.Contains("status of 422"));
    }
}
