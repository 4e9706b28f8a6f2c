using System.Text.Json.Nodes;
using LlmSizer.Web.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmSizer.Web.Tests.Http;

/// <summary>
/// Every endpoint answers exactly what the CLI's <c>--json</c> prints for the same settings: the same library call behind
/// both, the same fields and values (the API's JSON is compact, the CLI's indented; the documents compare equal).
/// </summary>
public sealed class ApiShapesTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Theory]
    [InlineData("/api/models", "models")]
    [InlineData("/api/models?family=qwen&max=15b", "models --family qwen --max 15b")]
    [InlineData("/api/devices?kind=unified", "devices --kind unified")]
    [InlineData("/api/devices?storage=true", "devices --storage")]
    [InlineData("/api/inspect?model=llama-3.1-8b", "inspect llama-3.1-8b")]
    [InlineData("/api/inspect?model=70b", "inspect 70b")]
    [InlineData("/api/estimate?model=llama-3.1-8b", "estimate llama-3.1-8b")]
    [InlineData("/api/estimate?model=qwen3-30b-a3b&context=32768&batch=2&weights=Q5_K_M&kvType=q8_0",
        "estimate qwen3-30b-a3b --context 32768 --batch 2 --weights Q5_K_M --kv-type q8_0")]
    [InlineData("/api/estimate?model=llama-3.1-70b&engine=vllm&gpuMemory=80GB&tp=2&maxBatchedTokens=4096",
        "estimate llama-3.1-70b --engine vllm --gpu-memory 80GB --tp 2 --max-batched-tokens 4096")]
    [InlineData("/api/fit?model=llama-3.1-8b&device=rtx-4090", "fit llama-3.1-8b --device rtx-4090")]
    [InlineData("/api/fit?model=llama-3.1-70b&device=rtx-4090&count=2&ram=64GB&storage=nvme4&context=16384",
        "fit llama-3.1-70b --device rtx-4090 --count 2 --ram 64GB --storage nvme4 --context 16384")]
    [InlineData("/api/fit?model=qwen3-30b-a3b", "fit qwen3-30b-a3b")]
    [InlineData("/api/fit?model=llama-3.1-8b&tiers=true", "fit llama-3.1-8b --tiers")]
    [InlineData("/api/train?model=llama-3.1-8b", "train llama-3.1-8b")]
    [InlineData("/api/train?model=llama-3.1-8b&method=qlora&loraRank=16&loraTargets=all-linear&seq=4096&recompute=full&device=rtx-4090",
        "train llama-3.1-8b --method qlora --lora-rank 16 --lora-targets all-linear --seq 4096 --recompute full --device rtx-4090")]
    [InlineData("/api/train?model=llama-3.1-70b&zero=3&device=h100-sxm&offload=optimizer&tokens=1T&price=2.5",
        "train llama-3.1-70b --zero 3 --device h100-sxm --offload optimizer --tokens 1T --price 2.5")]
    [InlineData("/api/sample?example=true", "sample --example")]
    [InlineData("/api/sample?example=true&engine=transformers&temperature=0.7&topK=40&topP=0.9&minP=0.05&draws=500&seed=7",
        "sample --example --engine transformers --temperature 0.7 --top-k 40 --top-p 0.9 --min-p 0.05 --draws 500 --seed 7")]
    public async Task The_endpoint_answers_what_the_cli_prints_with_json(string url, string cli)
    {
        using var client = factory.CreateClient();
        var (status, json, response) = await ApiClient.Get(client, url);
        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var expected = ApiClient.Cli(cli.Split(' '));
        QueryStyleDefaulted(expected);
        if (!JsonNode.DeepEquals(expected, json))
            Assert.Equal(expected.ToJsonString(), json!.ToJsonString()); // shows where they differ
    }

    [Fact]
    public async Task A_posted_logits_file_is_sampled_as_the_cli_samples_the_same_file()
    {
        const string csv = "the,2.0\na,1.5\nmat,1.0\ndog,0.2\n";
        using var folder = new LlmSizer.Tests.Support.TempDirectory();
        string file = folder.Write("logits.csv", csv);
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Post(client, "/api/sample?temperature=0.8&topK=3&draws=200",
            new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(200, status);
        var expected = ApiClient.Cli("sample", "--logits", file, "--temperature", "0.8", "--top-k", "3", "--draws", "200");
        // The input's name differs: the CLI names the file, the API "request body".
        expected["input"] = json!["input"]!.GetValue<string>();
        QueryStyleDefaulted(expected);
        Assert.True(JsonNode.DeepEquals(expected, json));
    }

    /// <summary>Sample reports list the settings left at the engine's default by their names: <c>--top-k</c> in the CLI, <c>topK</c> in the API.</summary>
    private static void QueryStyleDefaulted(JsonNode expected)
    {
        if (expected["settings"] is not JsonObject { } settings || settings["defaulted"] is not JsonArray defaulted)
            return;
        var names = defaulted.Select(n => n!.GetValue<string>().TrimStart('-').Split('-')).ToList();
        defaulted.Clear();
        foreach (var words in names)
            defaulted.Add(words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..])));
    }

    [Fact]
    public async Task The_memory_curve_has_one_series_per_weight_type_and_the_asked_devices_capacity_lines()
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, "/api/curve?model=llama-3.1-8b&device=rtx-4090&device=h100-sxm");
        Assert.Equal(200, status);
        var curve = LlmSizer.Reports.MemoryCurve.Build(LlmSizer.Formats.ModelSource.Open("llama-3.1-8b"), new LlmSizer.Inference.InferenceOptions(),
            [LlmSizer.Hardware.DeviceCatalog.Resolve("rtx-4090"), LlmSizer.Hardware.DeviceCatalog.Resolve("h100-sxm")]);
        var expected = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(curve, LlmSizer.Web.Serialization.WebJsonContext.Default.MemoryCurve));
        Assert.Equal(expected!.ToJsonString(), json!.ToJsonString());
        Assert.Equal(2, json!["capacities"]!.AsArray().Count);
    }
}
