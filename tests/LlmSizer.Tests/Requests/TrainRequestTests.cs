using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Requests;
using LlmSizer.Serialization;
using LlmSizer.Tests.Cli;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class TrainRequestTests
{
    [Fact]
    public void An_empty_request_takes_the_training_defaults_and_gives_the_command_lines_report()
    {
        var resolved = new TrainRequest().Resolve(FieldStyle.Query);
        Assert.Equal(new TrainingOptions(), resolved.Options);
        Assert.Null(resolved.Device);
        Assert.False(resolved.CountGiven);
        var cli = CliResult.Run("train", "llama-3.1-8b", "--json");
        Assert.Equal(cli.Stdout.TrimEnd(), ReportJson.Serialize(resolved.Build(ModelSource.Open("llama-3.1-8b")), c => c.TrainReport));
    }

    [Theory]
    // Chinchilla 70B was trained on 1.4 trillion tokens (Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", table 1).
    [InlineData("1.4T", 1.4e12)]
    [InlineData("2e12", 2e12)]
    [InlineData("300B", 3e11)]
    public void Token_counts_take_a_suffix_or_an_exponent(string text, double tokens) =>
        Assert.Equal(tokens, new TrainRequest { Tokens = text }.Resolve(FieldStyle.Query).Options.Tokens!.Value, 1e-3);

    [Fact]
    public void A_device_with_a_count_fixes_the_gpus_and_a_bare_one_leaves_them_to_the_search()
    {
        var eight = new TrainRequest { Device = "h100x8" }.Resolve(FieldStyle.Query);
        Assert.Equal("h100-sxm", eight.Device!.Id);
        Assert.True(eight.CountGiven);
        Assert.Equal(8, eight.Options.Layout.Gpus);
        var bare = new TrainRequest { Device = "h100" }.Resolve(FieldStyle.Query);
        Assert.False(bare.CountGiven);
        Assert.Equal(1, bare.Options.Layout.Gpus);
        Assert.Equal(24_000_000_000, new TrainRequest { GpuMemory = "24GB" }.Resolve(FieldStyle.Query).Device!.MemoryBytes);
    }

    [Fact]
    public void Two_counts_or_two_gpus_are_refused_naming_the_fields()
    {
        Assert.Equal("--device asks for 8 GPUs and --gpus for 4; give the count once",
            Assert.Throws<UsageException>(() => new TrainRequest { Device = "h100x8", Gpus = 4 }.Resolve(FieldStyle.Cli)).Message);
        Assert.Equal("device and gpuMemory both name the GPU; give one",
            Assert.Throws<UsageException>(() => new TrainRequest { Device = "h100", GpuMemory = "80GB" }.Resolve(FieldStyle.Query)).Message);
    }

    [Theory]
    [InlineData("method", "--method 'foo': expected full, lora or qlora", "method 'foo': expected full, lora or qlora")]
    [InlineData("offloadDevice", "--offload-device 'foo': expected cpu or nvme", "offloadDevice 'foo': expected cpu or nvme")]
    [InlineData("tokens", "--tokens 'foo': expected a positive count such as 2e12 or 1.4T", "tokens 'foo': expected a positive count such as 2e12 or 1.4T")]
    [InlineData("optimizer", "--optimizer: unknown optimizer 'foo'; expected adamw, adamw-8bit, paged-adamw, paged-adamw-8bit, adafactor, sgd, sgd-momentum, lion",
        "optimizer: unknown optimizer 'foo'; expected adamw, adamw-8bit, paged-adamw, paged-adamw-8bit, adafactor, sgd, sgd-momentum, lion")]
    public void A_bad_name_is_refused_in_either_style(string field, string cliMessage, string webMessage)
    {
        var request = field switch
        {
            "method" => new TrainRequest { Method = "foo" },
            "offloadDevice" => new TrainRequest { OffloadDevice = "foo" },
            "tokens" => new TrainRequest { Tokens = "foo" },
            _ => new TrainRequest { Optimizer = "foo" },
        };
        Assert.Equal(cliMessage, Assert.Throws<UsageException>(() => request.Resolve(FieldStyle.Cli)).Message);
        Assert.Equal(webMessage, Assert.Throws<UsageException>(() => request.Resolve(FieldStyle.Query)).Message);
    }

    [Fact]
    public void The_layout_checks_of_the_estimate_name_query_parameters_on_the_web()
    {
        // Llama 3.1 8B has 32 attention heads (config.json num_attention_heads), which 3 does not divide.
        var resolved = new TrainRequest { Tp = 3, Gpus = 3 }.Resolve(FieldStyle.Query);
        Assert.Equal("tp 3 does not divide the model's 32 attention heads",
            Assert.Throws<UsageException>(() => resolved.Build(ModelSource.Open("llama-3.1-8b"))).Message);
    }
}
