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
        // Chromium does not expose blob-backed request bodies, so count what the page reads: every slice taken of a File.
        await s.Page.EvaluateAsync(
            "() => { window.slices = []; const slice = Blob.prototype.slice; Blob.prototype.slice = function (...a) { const b = slice.apply(this, a); if (this instanceof File) window.slices.push(b.size); return b; }; }");
        int posts = 0;
        s.Page.Request += (_, request) => posts += request.Url.EndsWith("/api/uploads", StringComparison.Ordinal) ? 1 : 0;
        await s.Page.SetInputFilesAsync("#model-file", path);
        await s.SettledAsync();

        var sent = await s.Page.EvaluateAsync<long[]>("() => window.slices");
        Assert.True(posts >= 2, $"{posts} upload requests");
        Assert.Equal(posts, sent.Length);
        Assert.Equal(1L << 20, sent[0]);
        // The header ends with padding to the 32-byte alignment, which the reader does not need.
        Assert.True(sent[^1] >= headerBytes - 32, $"last slice {sent[^1]} bytes, header {headerBytes}");
        Assert.All(sent, n => Assert.True(n < fileBytes / 10, $"{n} bytes read of a {fileBytes}-byte file"));
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
