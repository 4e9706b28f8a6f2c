using LlmSizer.Web.LoadTest;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlmSizer.Web.Tests.LoadTest;

/// <summary>
/// The load runner against the real server on a loopback port: it counts every request and every error and stops by itself.
/// Throughput is measured by <c>llmsizer serve --load-test</c> (figures in docs/ACCURACY.md), never asserted here.
/// </summary>
public sealed class LoadRunnerTests
{
    [Fact]
    public async Task A_small_run_of_distinct_estimates_completes_every_request_without_errors()
    {
        await using var app = WebServer.Build(["--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var report = await LoadRunner.RunAsync(address + "/api/estimate?model=llama-3.1-8b&context={i}", 400, 8, 40, TimeSpan.FromMinutes(1));
        Assert.Equal(400, report.Requests);
        Assert.Equal(0, report.Errors);
        Assert.True(report.P50Milliseconds <= report.P99Milliseconds && report.P99Milliseconds <= report.MaxMilliseconds);
        Assert.True(report.ResponseBytes > 400 * 1000, "every answer is an estimate report of more than 1 KB");
    }

    [Fact]
    public async Task Failed_requests_are_counted_with_the_first_error_named()
    {
        await using var app = WebServer.Build(["--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var report = await LoadRunner.RunAsync(address + "/api/estimate?model=no-such-model", 50, 4, 0, TimeSpan.FromMinutes(1));
        Assert.Equal(50, report.Errors);
        Assert.Equal("HTTP 400", report.FirstError);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 0)]
    [InlineData(10, 5000)]
    public async Task Out_of_range_counts_are_usage_errors(int requests, int concurrency) =>
        await Assert.ThrowsAsync<LlmSizer.Errors.UsageException>(() =>
            LoadRunner.RunAsync("http://127.0.0.1:9/", requests, concurrency, 0, TimeSpan.FromSeconds(1)));
}
