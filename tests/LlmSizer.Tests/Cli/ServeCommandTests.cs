using Xunit;

namespace LlmSizer.Tests.Cli;

/// <summary><c>llmsizer serve</c>: loopback unless told otherwise, and a load run that stops by itself.</summary>
public class ServeCommandTests
{
    [Fact]
    public void Serving_on_a_non_loopback_address_without_allow_remote_is_a_usage_error()
    {
        var r = CliResult.Run("serve", "--urls", "http://0.0.0.0:5125");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--allow-remote", r.Stderr);
    }

    [Fact]
    public void A_load_run_sends_every_request_reports_zero_errors_and_exits()
    {
        var r = CliResult.Run("serve", "--load-test", "300", "--concurrency", "4", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(300, r.Json.GetProperty("requests").GetInt32());
        Assert.Equal(4, r.Json.GetProperty("concurrency").GetInt32());
        Assert.Equal(0, r.Json.GetProperty("errors").GetInt32());
        Assert.StartsWith("http://127.0.0.1:", r.Json.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("--load-test", "10", "--urls", "http://127.0.0.1:9000")]
    [InlineData("--concurrency", "4")]
    [InlineData("--load-test", "10", "--load-path", "api/models")]
    public void Load_options_in_the_wrong_combination_are_usage_errors(params string[] args)
    {
        var r = CliResult.Run(["serve", .. args]);
        Assert.Equal(2, r.ExitCode);
    }
}
