using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Training.Activations;
using Xunit;

namespace LlmSizer.Tests.Training.Activations;

/// <summary>Settings that cannot describe a training run are usage errors that name the setting, its value and what was expected.</summary>
public sealed class ActivationSettingsValidationTests
{
    private static readonly ModelSpec Small = new()
    {
        Architecture = "llama", VocabSize = 1000, HiddenSize = 64, Layers = 4, AttentionHeads = 4, KeyValueHeads = 2,
        FfnSize = 160, MaxContextTokens = 4096,
    };

    private static readonly ActivationSettings Base = new() { SequenceTokens = 32, MicroBatch = 2 };

    public static TheoryData<ActivationSettings, string> Bad => new()
    {
        { Base with { SequenceTokens = 0 }, "SequenceTokens (tokens per sequence): expected a positive integer, got 0" },
        { Base with { MicroBatch = -1 }, "MicroBatch (sequences per micro-batch): expected a positive integer, got -1" },
        { Base with { TensorParallel = 0 }, "TensorParallel: expected a positive integer, got 0" },
        { Base with { PipelineParallel = 0 }, "PipelineParallel: expected a positive integer, got 0" },
        { Base with { TensorParallel = 3 }, "TensorParallel: 3 does not divide the model's 4 attention heads" },
        { Base with { PipelineParallel = 5 }, "PipelineParallel: 5 stages exceed the model's 4 layers" },
        { Base with { MicroBatchesInFlight = 2 }, "MicroBatchesInFlight: expected 1 to 1" },
        { Base with { ActivationBytes = 3 }, "ActivationBytes: expected 2 (bf16/fp16) or 4 (fp32), got 3" },
        { Base with { TrainableLinears = new HashSet<string> { "q", "q_proj" } }, "TrainableLinears: unknown linear 'q_proj'" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Out_of_range_settings_are_usage_errors_naming_the_setting(ActivationSettings settings, string message)
    {
        var error = Assert.Throws<UsageException>(() => ActivationMemory.Estimate(Small, settings));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Korthikanti_formula_rejects_non_positive_sizes()
    {
        var error = Assert.Throws<UsageException>(() => ActivationMemory.KorthikantiLayerBytes(0, 1, 4096, 32, 1, false, Recomputation.None));
        Assert.Contains("s (sequence tokens): expected a positive integer, got 0", error.Message, StringComparison.Ordinal);
    }
}
