using System.Text.RegularExpressions;
using LlmSizer.Errors;
using LlmSizer.Requests;
using LlmSizer.Tests.Cli;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class RequestFieldsTests
{
    [Theory]
    [InlineData("kvTypeV", "--kv-type-v")]
    [InlineData("gpuMemoryUtilization", "--gpu-memory-utilization")]
    [InlineData("topK", "--top-k")]
    [InlineData("previousTokens", "--previous-tokens")]
    [InlineData("loraRank", "--lora-rank")]
    [InlineData("tp", "--tp")]
    public void A_field_is_its_kebab_case_option_on_the_command_line_and_itself_on_the_web(string camel, string option)
    {
        Assert.Equal(option, RequestFields.Name(camel, FieldStyle.Cli));
        Assert.Equal(camel, RequestFields.Name(camel, FieldStyle.Query));
    }

    /// <summary>Each command's request fields against the options its --help lists (MODEL and FILTER are arguments, not options).</summary>
    public static TheoryData<string, Type, string[]> Commands => new()
    {
        { "estimate", typeof(InferenceRequest), [] },
        { "fit", typeof(FitRequest), ["Inference"] },
        { "train", typeof(TrainRequest), [] },
        { "sample", typeof(SampleRequest), [] },
        { "models", typeof(ModelListRequest), ["Filter"] },
        { "devices", typeof(DeviceListRequest), ["Filter"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_request_field_is_a_command_line_option_and_is_restyled_for_the_web(string command, Type request, string[] notOptions)
    {
        string help = CliResult.Run(command, "--help").Stdout;
        var fields = request.GetProperties().Where(p => p.CanWrite && !notOptions.Contains(p.Name)).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).ToList();
        Assert.NotEmpty(fields);
        foreach (string camel in fields)
        {
            string option = RequestFields.Name(camel, FieldStyle.Cli);
            Assert.Matches(new Regex($@"(?m)^\s+{Regex.Escape(option)}(\s|$)"), help);
            Assert.Equal($"{camel} 2: found", RequestFields.Restyle($"{option} 2: found", FieldStyle.Query));
        }
    }

    [Fact]
    public void A_size_is_read_in_decimal_or_binary_units()
    {
        Assert.Equal(80_000_000_000, RequestFields.Size("80GB", "gpuMemory", FieldStyle.Query));
        Assert.Equal(24L << 30, RequestFields.Size("24GiB", "gpuMemory", FieldStyle.Query));
        Assert.Null(RequestFields.Size(null, "gpuMemory", FieldStyle.Query));
    }

    [Theory]
    [InlineData("80XB")]
    [InlineData("0GB")]
    public void A_bad_size_names_its_field_in_either_style(string text)
    {
        var cli = Assert.Throws<UsageException>(() => RequestFields.Size(text, "gpuMemory", FieldStyle.Cli));
        Assert.Equal($"--gpu-memory '{text}': expected a size such as 80GB or 24GiB", cli.Message);
        var web = Assert.Throws<UsageException>(() => RequestFields.Size(text, "gpuMemory", FieldStyle.Query));
        Assert.Equal($"gpuMemory '{text}': expected a size such as 80GB or 24GiB", web.Message);
        Assert.Equal("gpuMemory", web.Field);
    }

    [Fact]
    public void Restyling_rewrites_request_fields_only_and_leaves_engine_flags_alone()
    {
        const string message = "--kv-type-v q4_0 needs --flash-attention on; vLLM's --kv-cache-dtype and llama.cpp's --n-cpu-moe differ";
        Assert.Equal("kvTypeV q4_0 needs flashAttention on; vLLM's --kv-cache-dtype and llama.cpp's --n-cpu-moe differ",
            RequestFields.Restyle(message, FieldStyle.Query));
        Assert.Equal(message, RequestFields.Restyle(message, FieldStyle.Cli));
    }
}
