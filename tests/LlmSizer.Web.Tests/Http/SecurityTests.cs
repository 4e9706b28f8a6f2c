using System.Net;
using System.Text;
using LlmSizer.Web.Hosting;
using LlmSizer.Web.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmSizer.Web.Tests.Http;

/// <summary>Request caps, origin and host checks, security headers, and errors that never show a stack trace.</summary>
public sealed class SecurityTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/estimate?model=7b")]
    [InlineData("/api/estimate?model=nothing-like-this")]
    public async Task Every_answer_carries_the_security_headers(string url)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(url);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.DoesNotContain("unsafe", SecurityHeaders.ContentSecurityPolicy);
    }

    [Fact]
    public async Task A_logits_body_over_8_MiB_is_refused_with_413_before_it_is_read()
    {
        using var client = factory.CreateClient();
        var body = new ByteArrayContent(new byte[(8 << 20) + 1]);
        body.Headers.ContentType = new("text/csv");
        var (status, json, _) = await ApiClient.Post(client, "/api/sample", body);
        Assert.Equal(413, status);
        Assert.Contains("8,388,608", json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_of_the_wrong_content_type_is_a_415()
    {
        using var client = factory.CreateClient();
        var (status, _, _) = await ApiClient.Post(client, "/api/sample", new StringContent("<xml/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(415, status);
    }

    [Fact]
    public async Task A_post_from_another_origin_is_refused()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sample") { Content = new StringContent("[1,2]", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_request_addressed_to_another_host_name_is_refused_against_dns_rebinding()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        request.Headers.Host = "attacker.example";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void An_internal_error_answers_500_without_its_message_or_stack_trace()
    {
        var problem = ErrorHandling.ProblemFor(new InvalidOperationException("secret path /home/user/x at Foo.Bar()"));
        Assert.Equal(500, problem.Status);
        Assert.DoesNotContain("secret", problem.Detail);
        Assert.DoesNotContain(" at ", problem.Detail);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5125")]
    [InlineData("http://*:5125")]
    [InlineData("http://192.168.1.10:80")]
    public void A_non_loopback_address_needs_allow_remote(string url)
    {
        var e = Assert.Throws<LlmSizer.Errors.UsageException>(() => WebServer.CheckUrls(url, allowRemote: false));
        Assert.Contains("--allow-remote", e.Message);
        Assert.False(WebServer.CheckUrls(url, allowRemote: true));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5125")]
    [InlineData("http://localhost:8080;http://[::1]:8080")]
    public void Loopback_addresses_need_no_flag(string urls) => Assert.True(WebServer.CheckUrls(urls, allowRemote: false));

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        using var client = factory.CreateClient();
        var (status, json, _) = await ApiClient.Get(client, "/openapi/v1.json");
        Assert.Equal(200, status);
        var paths = json!["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (string path in new[] { "/api/models", "/api/devices", "/api/inspect", "/api/estimate", "/api/curve", "/api/fit", "/api/train", "/api/sample", "/api/uploads" })
            Assert.Contains(path, paths);
        Assert.NotNull(json["paths"]!["/api/estimate"]!["get"]);
        Assert.NotNull(json["paths"]!["/api/sample"]!["post"]);
    }
}
