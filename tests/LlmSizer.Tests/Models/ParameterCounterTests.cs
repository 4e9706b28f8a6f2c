using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Models;

public class ParameterCounterTests
{
    private static ModelSpec Spec(string id) => ModelCatalog.Find(id)!.Spec;

    [Fact]
    public void Breakdown_parts_sum_to_the_total()
    {
        foreach (var entry in ModelCatalog.Entries)
        {
            var count = ParameterCounter.Count(entry.Spec);
            var b = count.Breakdown;
            Assert.Equal(count.Total, b.Embedding + b.Attention + b.Mlp + b.Norm + b.LmHead + b.Other);
            Assert.Equal(count.Total, count.Components.Sum(c => c.Total));
        }
    }

    // Mixtral: Mistral AI states 46.7B total and 12.9B active; the HF checkpoint holds 46,702,792,704.
    [Fact]
    public void Mixtral_active_parameters_count_two_of_eight_experts_and_the_embeddings()
    {
        var count = ParameterCounter.Count(Spec("mixtral-8x7b"));
        Assert.Equal(46_702_792_704, count.Total);
        Assert.Equal(12_879_925_248, count.Active);
        Assert.Equal(count.Breakdown.Embedding, count.ActiveBreakdown.Embedding);
    }

    // DeepSeek-V3: the sum of the main-model tensors in deepseek-ai/DeepSeek-V3 (layers 0-60) is 671,026,419,200;
    // the checkpoint's layer 61 (MTP) adds 13,463,426,304 including its own embedding and head copies,
    // giving the 684.5B that Hugging Face shows (the model card's "685B").
    [Fact]
    public void DeepSeek_V3_counts_the_main_model_and_reports_the_mtp_module_apart()
    {
        var count = ParameterCounter.Count(Spec("deepseek-v3"));
        Assert.Equal(671_026_419_200, count.Total);
        Assert.Equal(37_552_297_472, count.Active);
        Assert.Equal(13_463_426_304, count.ReportedApartTotal);
    }

    [Fact]
    public void Llama_2_7b_breakdown_matches_its_tensor_shapes()
    {
        // 32 layers × (4 × 4096² attention + 3 × 4096 × 11008 MLP + 2 × 4096 norms), embeddings and head 32000 × 4096 each.
        var b = ParameterCounter.Count(Spec("llama-2-7b")).Breakdown;
        Assert.Equal(131_072_000, b.Embedding);
        Assert.Equal(32L * 4 * 4096 * 4096, b.Attention);
        Assert.Equal(32L * 3 * 4096 * 11008, b.Mlp);
        Assert.Equal(32L * 2 * 4096 + 4096, b.Norm);
        Assert.Equal(131_072_000, b.LmHead);
        Assert.Equal(0, b.Other);
    }

    /// <summary>
    /// Found by the large-value property (tests/LlmSizer.Tests/Properties): every size within the validator's caps, yet 30 layers of
    /// 50,686 experts of 3 × 55,296 × 49,423,470 weights pass 2^63; the counter threw a bare OverflowException.
    /// </summary>
    [Fact]
    public void Sizes_each_valid_whose_count_passes_64_bits_are_refused_by_name()
    {
        var spec = new ModelSpec
        {
            Architecture = "qwen3_moe", VocabSize = 54_684_065, HiddenSize = 55_296, Layers = 30, AttentionHeads = 216, KeyValueHeads = 54,
            FfnSize = 32_008_346,
            Moe = new MoeSpec { RoutedExperts = 50_686, ExpertsPerToken = 12, ExpertFfnSize = 49_423_470 },
        };
        ModelSpecValidator.Validate(spec);
        var e = Assert.Throws<ModelSpecException>(() => ParameterCounter.Count(spec));
        Assert.Equal(ParameterCounter.SizesField, e.Field);
        Assert.Equal("sizes: expected sizes whose parameter count fits in 64 bits, found an overflow", e.Message);
    }
}
