using LlmSizer.Errors;
using LlmSizer.Requests;
using LlmSizer.Sampling;
using LlmSizer.Serialization;
using LlmSizer.Tests.Cli;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class SampleRequestTests
{
    private static readonly string ExampleName = $"built-in example: \"{ExampleDistribution.Prompt}\"";

    [Fact]
    public void An_empty_request_takes_llama_cpps_defaults_and_names_them_in_the_style()
    {
        // llama.cpp common/common.h, common_params_sampling: temp 0.80, top_k 40, top_p 0.95, min_p 0.05, typ_p 1.00.
        var web = new SampleRequest().Resolve(FieldStyle.Query);
        Assert.Equal((0.8, 40, 0.95, 0.05, 1.0), (web.Settings.Temperature, web.Settings.TopK, web.Settings.TopP, web.Settings.MinP, web.Settings.TypicalP));
        Assert.Equal((1000, 42UL, 20), (web.Draws, web.Seed, web.Show));
        Assert.Equal(["temperature", "topK", "topP", "minP", "typicalP"], web.Defaulted);
        Assert.Equal(["--temperature", "--top-k", "--top-p", "--min-p", "--typical-p"], new SampleRequest().Resolve(FieldStyle.Cli).Defaulted);
    }

    [Fact]
    public void An_empty_request_gives_the_command_lines_sample_of_the_example()
    {
        var cli = CliResult.Run("sample", "--example", "--json");
        var report = new SampleRequest().Build(ExampleDistribution.Create(), ExampleName, FieldStyle.Cli);
        Assert.Equal(cli.Stdout.TrimEnd(), ReportJson.Serialize(report, c => c.SampleReport));
    }

    [Theory]
    [InlineData("draws", "--draws 100000001: expected an integer from 0 to 100,000,000", "draws 100000001: expected an integer from 0 to 100,000,000")]
    [InlineData("show", "--show 0: expected an integer from 1 to 10,000", "show 0: expected an integer from 1 to 10,000")]
    [InlineData("temperature", "--temperature -1: expected a finite number ≥ 0 (0 is greedy)", "temperature -1: expected a finite number ≥ 0 (0 is greedy)")]
    [InlineData("engine", "--engine 'foo': expected transformers, llama.cpp or vllm", "engine 'foo': expected transformers, llama.cpp or vllm")]
    public void A_setting_out_of_range_is_refused_before_any_logits_are_read(string field, string cliMessage, string webMessage)
    {
        var request = field switch
        {
            "draws" => new SampleRequest { Draws = 100_000_001 },
            "show" => new SampleRequest { Show = 0 },
            "temperature" => new SampleRequest { Temperature = -1 },
            _ => new SampleRequest { Engine = "foo" },
        };
        Assert.Equal(cliMessage, Assert.Throws<UsageException>(() => request.Resolve(FieldStyle.Cli)).Message);
        Assert.Equal(webMessage, Assert.Throws<UsageException>(() => request.Resolve(FieldStyle.Query)).Message);
    }

    [Fact]
    public void Previous_tokens_need_a_penalty_and_must_be_in_the_vocabulary()
    {
        Assert.Equal("previousTokens is only used by the penalties; give repetitionPenalty, presencePenalty or frequencyPenalty too",
            Assert.Throws<UsageException>(() => new SampleRequest { PreviousTokens = "mat" }.Resolve(FieldStyle.Query)).Message);
        var unknown = new SampleRequest { PresencePenalty = 1, PreviousTokens = "mat, zzz" }.Resolve(FieldStyle.Query);
        var e = Assert.Throws<UsageException>(() => unknown.Build(ExampleDistribution.Create(), ExampleName));
        Assert.Equal("previousTokens: 'zzz' is neither a token name nor an id below 32000", e.Message);
        Assert.Equal("previousTokens", e.Field);
    }

    [Fact]
    public void Previous_tokens_resolve_by_name_then_by_id()
    {
        var input = ExampleDistribution.Create();
        var report = new SampleRequest { RepetitionPenalty = 2, PreviousTokens = "mat, floor," + input.Find("mat") }.Build(input, ExampleName, FieldStyle.Query);
        Assert.Equal(["mat", "floor", "mat"], report.Settings.PreviousTokens);
    }
}
