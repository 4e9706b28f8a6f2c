using LlmSizer.Hardware;
using LlmSizer.Models;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Training;

public class TrainingPlannerTests
{
    private static readonly ModelSpec Llama70B = ModelCatalog.Find("llama-3.1-70b")!.Spec;

    private static DeviceSpec Gpu(string name) => DeviceCatalog.Resolve(name).Device;

    // The rule of thumb GPUs ≈ P(B) × 18 × 1.25 / GPU GB: a 7B model on 24 GB cards → 7·18·1.25/24 = 6.56 → 7.
    [Fact]
    public void The_gpu_rule_of_thumb_gives_7_cards_of_24_GB_for_a_7B_model()
    {
        var card = Gpu("rtx-4090") with { MemoryBytes = 24_000_000_000 };
        Assert.Equal(7, TrainingPlanner.RuleOfThumb(7_000_000_000, card).Gpus);
    }

    [Fact]
    public void The_fewest_gpus_is_the_smallest_count_whose_share_fits()
    {
        var options = new TrainingOptions { Recompute = LlmSizer.Training.Activations.Recomputation.Full, Layout = new ParallelLayout { ZeroStage = 3 } };
        var h100 = Gpu("h100");
        var (minimum, note) = TrainingPlanner.Minimum(Llama70B, options, h100);
        Assert.Null(note);
        Assert.NotNull(minimum);
        bool FitsOn(int gpus) => TrainingPlanner.Fits(TrainingEstimator.Estimate(Llama70B, options with { Layout = options.Layout with { Gpus = gpus } }), h100);
        Assert.True(FitsOn(minimum!.Value));
        Assert.False(FitsOn(minimum.Value - 1));
        var plan = TrainingPlanner.Plan(Llama70B, options, h100, gpusGiven: false);
        Assert.Equal(minimum, plan.Gpus.Count);
        Assert.True(plan.Gpus.Fits);
    }

    [Fact]
    public void Plain_ddp_of_a_model_too_big_for_one_gpu_has_no_count_and_says_what_would_help()
    {
        var (minimum, note) = TrainingPlanner.Minimum(Llama70B, new TrainingOptions(), Gpu("h100"));
        Assert.Null(minimum);
        Assert.Contains("--zero 3", note);
    }
}
