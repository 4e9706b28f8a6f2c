using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LlmSizer.Cli;

namespace LlmSizer.Web.Tests.Support;

/// <summary>Calls the API in-process (Mvc.Testing) and the CLI in-process, and reads both as JSON for comparison.</summary>
internal static class ApiClient
{
    public static async Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> Get(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public static async Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> Post(HttpClient client, string url, HttpContent content)
    {
        var response = await client.PostAsync(url, content);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>What <c>llmsizer ARGS --json</c> prints, parsed; the CLI must succeed.</summary>
    public static JsonNode Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run([.. args, "--json"], stdout, stderr);
        Assert.True(exit == 0, $"llmsizer {string.Join(' ', args)} failed: {stderr}");
        return JsonNode.Parse(stdout.ToString())!;
    }

    public static MediaTypeHeaderValue ProblemType => new("application/problem+json");
}
