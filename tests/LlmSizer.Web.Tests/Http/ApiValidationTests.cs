using System.Text.Json.Nodes;
using LlmSizer.Web.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmSizer.Web.Tests.Http;

/// <summary>Bad requests are 400 (404 for what does not exist) problem documents naming the parameter and what was expected.</summary>
public sealed class ApiValidationTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Theory]
    [InlineData("/api/estimate?model=llama-3.1-8b&kvType=q9_9", "unknown KV cache type \"q9_9\"")]
    [InlineData("/api/estimate?model=llama-3.1-8b&engine=tgi", "engine 'tgi': expected llama.cpp, vllm or transformers")]
    [InlineData("/api/estimate?model=llama-3.1-8b&context=abc", "context 'abc': expected a whole number")]
    [InlineData("/api/train?model=llama-3.1-8b&chunkedLoss=maybe", "chunkedLoss 'maybe': expected true or false")]
    [InlineData("/api/estimate?model=llama-3.1-8b&batch=0", "batch")]
    [InlineData("/api/estimate?model=llama-3.1-8b&gpuMemoryUtilization=1.5", "gpuMemoryUtilization")]
    [InlineData("/api/estimate?model=llama-3.1-8b&contxt=8192", "unknown parameter 'contxt'")]
    [InlineData("/api/estimate?model=llama-3.1-8b&context=1024&context=2048", "parameter 'context' is given 2 times")]
    [InlineData("/api/estimate", "model: required")]
    [InlineData("/api/estimate?model=llama-9", "unknown model 'llama-9'")]
    [InlineData("/api/fit?model=llama-3.1-8b&tiers=true&device=rtx-4090", "tiers")]
    [InlineData("/api/fit?model=llama-3.1-8b&device=rtx-9999", "rtx-9999")]
    [InlineData("/api/fit?model=llama-3.1-8b&device=rtx-4090&gpuMemory=24GB", "gpuMemory")]
    [InlineData("/api/train?model=llama-3.1-8b&method=dpo", "method 'dpo': expected full, lora or qlora")]
    [InlineData("/api/train?model=llama-3.1-8b&zero=4", "zero")]
    [InlineData("/api/sample?example=true&topP=1.5", "topP")]
    [InlineData("/api/sample", "example")]
    [InlineData("/api/devices?kind=tpu", "kind 'tpu'")]
    public async Task A_bad_parameter_is_a_400_problem_that_names_it(string url, string expectedInDetail)
    {
        using var client = factory.CreateClient();
        var (status, json, response) = await ApiClient.Get(client, url);
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, json!["status"]!.GetValue<int>());
        Assert.Contains(expectedInDetail, json["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../config.json")]
    [InlineData("model.gguf")]
    [InlineData("C:\\models\\x.gguf")]
    [InlineData("ollama:llama3")]
    [InlineData("hf:meta-llama/Llama-3.1-8B")]
    public async Task A_model_that_names_a_file_a_local_store_or_the_hub_is_refused_without_being_read(string model)
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, "/api/inspect?model=" + Uri.EscapeDataString(model));
        Assert.Equal(400, status);
        Assert.Contains(model, json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_model_offers_catalog_suggestions()
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, "/api/inspect?model=llama-3.1-8");
        Assert.Equal(400, status);
        Assert.Contains("llama-3.1-8b", json!["suggestions"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task An_upload_id_the_server_does_not_hold_is_a_404()
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, "/api/estimate?model=upload:0123456789abcdef");
        Assert.Equal(404, status);
        Assert.Equal("model", json!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/nothing")]
    [InlineData("/assets/missing.js")]
    public async Task An_unknown_path_is_a_404_problem(string url)
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, url);
        Assert.Equal(404, status);
        Assert.Equal(404, json!["status"]!.GetValue<int>());
    }
}
