using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Inference;
using LlmSizer.Reports;
using LlmSizer.Requests;
using LlmSizer.Serialization;
using LlmSizer.Tests.Cli;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class InferenceRequestTests
{
    [Fact]
    public void An_empty_request_takes_every_default_and_gives_the_command_lines_estimate()
    {
        var request = new InferenceRequest();
        Assert.False(request.EngineGiven);
        Assert.Equal(new InferenceOptions(), request.ToOptions(FieldStyle.Query));
        var cli = CliResult.Run("estimate", "llama-3.1-8b", "--json");
        var report = EstimateReport.Build(ModelSource.Open("llama-3.1-8b"), request.ToOptions(FieldStyle.Query));
        Assert.Equal(cli.Stdout.TrimEnd(), ReportJson.Serialize(report, c => c.EstimateReport));
    }

    [Fact]
    public void Text_fields_convert_as_on_the_command_line()
    {
        var options = new InferenceRequest
        {
            Engine = " Ollama ", FlashAttention = "AUTO", Mmap = "0", GpuMemory = "80GB", Tp = 2, Batch = 4, Context = 8192,
        }.ToOptions(FieldStyle.Query);
        Assert.Equal(InferenceEngine.LlamaCpp, options.Engine);
        Assert.Null(options.FlashAttention);
        Assert.False(options.Mmap);
        Assert.Equal(80_000_000_000, options.GpuMemoryBytes);
        Assert.Equal(2, options.TensorParallel);
        Assert.Equal(4, options.Sequences);
        Assert.Equal(8192, options.ContextTokens);
        Assert.Equal(InferenceEngine.Vllm, new InferenceRequest { Engine = "vllm" }.ToOptions(FieldStyle.Cli).Engine);
        Assert.False(new InferenceRequest { FlashAttention = "off" }.ToOptions(FieldStyle.Cli).FlashAttention);
    }

    public static TheoryData<string, InferenceRequest, string> BadValues => new()
    {
        { "engine", new() { Engine = "foo" }, " 'foo': expected llama.cpp, vllm or transformers" },
        { "flashAttention", new() { FlashAttention = "maybe" }, " 'maybe': expected on, off or auto" },
        { "mmap", new() { Mmap = "x" }, " 'x': expected on or off" },
        { "ubatch", new() { Ubatch = 0 }, ": expected a positive number, found 0" },
        { "batchTokens", new() { BatchTokens = -1 }, ": expected a positive number, found -1" },
        { "gpuLayers", new() { GpuLayers = -1 }, ": expected 0 or more, found -1" },
        { "gpuMemoryUtilization", new() { GpuMemoryUtilization = 1.5 }, ": expected a share above 0 and at most 1, found 1.5" },
        { "gpuMemory", new() { GpuMemory = "80XB" }, " '80XB': expected a size such as 80GB or 24GiB" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_names_its_field_as_the_option_or_the_query_parameter(string field, InferenceRequest request, string problem)
    {
        // The command-line messages are the ones llmsizer printed before the parsing moved into the library.
        Assert.Equal(RequestFields.Name(field, FieldStyle.Cli) + problem, Assert.Throws<UsageException>(() => request.ToOptions(FieldStyle.Cli)).Message);
        var web = Assert.Throws<UsageException>(() => request.ToOptions(FieldStyle.Query));
        Assert.Equal(field + problem, web.Message);
        Assert.Equal(field, web.Field);
    }
}
