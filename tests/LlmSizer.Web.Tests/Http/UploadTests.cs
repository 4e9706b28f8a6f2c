using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LlmSizer.Tests.Support;
using LlmSizer.Web.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmSizer.Web.Tests.Http;

/// <summary>
/// <c>POST /api/uploads</c>: the header bytes of a dropped file give the same model as the whole file on disk; a header cut
/// short is a 422 that says how many bytes to send; the returned id works in every endpoint.
/// </summary>
public sealed class UploadTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    public static MultipartFormDataContent Form(params (string Name, byte[] Prefix, long Length)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, prefix, _) in files)
        {
            var part = new ByteArrayContent(prefix);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "file", name);
        }
        form.Add(new StringContent(string.Join(",", files.Select(f => f.Length))), "lengths");
        return form;
    }

    [Fact]
    public async Task A_gguf_header_gives_the_model_the_cli_reads_from_the_whole_file_and_its_id_serves_estimates()
    {
        using var folder = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        string path = writer.Write(Path.Combine(folder.Path, "qwen2.5-0.5b-q4_k.gguf"));
        long length = new FileInfo(path).Length;
        byte[] header = writer.Header();

        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Post(client, "/api/uploads", Form(("qwen2.5-0.5b-q4_k.gguf", header, length)));
        Assert.Equal(200, status);
        string id = json!["model"]!.GetValue<string>();
        Assert.StartsWith("upload:", id);
        var cli = ApiClient.Cli("inspect", path);
        Assert.True(JsonNode.DeepEquals(cli["parameters"], json["report"]!["parameters"]));

        var (estimateStatus, estimate, _) = await ApiClient.Get(client, $"/api/estimate?model={id}&context=4096");
        Assert.Equal(200, estimateStatus);
        var cliEstimate = ApiClient.Cli("estimate", path, "--context", "4096");
        Assert.True(JsonNode.DeepEquals(cliEstimate["memory"], estimate!["memory"]));
    }

    [Fact]
    public async Task A_header_cut_short_is_a_422_naming_the_bytes_needed_and_resending_them_succeeds()
    {
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        byte[] header = writer.Header();
        long length = header.Length + writer.DataBytes;
        using var client = factory.CreateClient();
        int sent = 4096;
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 8, "the needed-bytes loop did not converge");
            var (status, json, _) = await ApiClient.Post(client, "/api/uploads", Form(("model.gguf", header[..sent], length)));
            if (status == 200)
                break;
            Assert.Equal(422, status);
            Assert.Equal("model.gguf", json!["file"]!.GetValue<string>());
            long needed = json["neededBytes"]!.GetValue<long>();
            Assert.True(needed > sent);
            sent = (int)Math.Min(needed, header.Length);
        }
    }

    [Theory]
    [InlineData("../model.gguf")]
    [InlineData("dir/model.gguf")]
    [InlineData("model.exe")]
    public async Task A_file_name_that_is_a_path_or_of_an_unknown_kind_is_refused(string name)
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Post(client, "/api/uploads", Form((name, new byte[16], 16)));
        Assert.Equal(400, status);
        Assert.Contains(name, json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lengths_that_do_not_match_the_parts_are_refused()
    {
        using var client = factory.CreateClient();
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[8]), "file", "model.gguf" }, { new StringContent("8,9"), "lengths" } };
        var (status, json, _) = await ApiClient.Post(client, "/api/uploads", form);
        Assert.Equal(400, status);
        Assert.Contains("lengths", json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upload_over_32_MiB_is_refused_with_413()
    {
        using var client = factory.CreateClient();
        var (status, _, _) = await ApiClient.Post(client, "/api/uploads", Form(("model.gguf", new byte[(32 << 20) + (128 << 10)], 40L << 30)));
        Assert.Equal(413, status);
    }
}
