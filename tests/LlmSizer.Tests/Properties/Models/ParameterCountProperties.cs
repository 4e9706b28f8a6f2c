using LlmSizer.Models;
using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Properties.Models;

/// <summary>Parameter counts of catalog models and random architectures: every breakdown adds up, and a token never uses more than is stored.</summary>
public class ParameterCountProperties
{
    [Fact]
    public void Components_and_categories_add_up_to_the_total_and_the_active_count()
    {
        PropertyRun.Check(ModelGen.Any, spec =>
        {
            var count = ParameterCounter.Count(spec);
            foreach (var c in count.Components.Concat(count.ReportedApart))
            {
                Assert.Equal((long)c.Instances * c.ParametersPerInstance, c.Total);
                Assert.InRange(c.ActiveParametersPerInstance, 0, c.ParametersPerInstance);
                Assert.True(c.Total > 0, $"{c.Name} stores no parameters but is listed");
            }
            foreach (var category in Enum.GetValues<ParameterCategory>())
            {
                Assert.Equal(count.Components.Where(c => c.Category == category).Sum(c => c.Total), count.Breakdown[category]);
                Assert.Equal(count.Components.Where(c => c.Category == category).Sum(c => c.Active), count.ActiveBreakdown[category]);
            }
            Assert.Equal(count.Components.Sum(c => c.Total), count.Total);
            Assert.Equal(count.Components.Sum(c => c.Active), count.Active);
        }, PropertyRun.Cheap);
    }

    [Fact]
    public void A_mixture_of_experts_is_active_in_part_and_a_dense_model_in_whole()
    {
        PropertyRun.Check(ModelGen.Any, spec =>
        {
            var count = ParameterCounter.Count(spec);
            Assert.True(count.Total >= count.Active && count.Active > 0, $"total {count.Total}, active {count.Active}");
            bool routesToSome = spec.Moe is { } moe && moe.ExpertsPerToken < moe.RoutedExperts
                && Enumerable.Range(0, spec.Layers).Any(l => spec.HasMlpAt(l) && spec.IsMoeLayer(l));
            Assert.Equal(routesToSome, count.Active < count.Total);
        }, PropertyRun.Cheap);
    }

    [Fact]
    public void A_predicted_bf16_checkpoint_of_a_catalog_model_holds_exactly_the_counted_parameters_at_two_bytes_each()
    {
        // Catalog models only: the checkpoint layout follows each family's real tensors, which random mixes of features need not have.
        PropertyRun.Check(ModelGen.Catalog, spec =>
        {
            var inventory = WeightsPrediction.Predict(spec, "BF16", WeightsContainer.Safetensors);
            var count = ParameterCounter.Count(spec);
            // The multi-token-prediction layers (counted apart) are in the predicted checkpoint or not, by family.
            Assert.Contains(inventory.Parameters, new[] { count.Total, count.Total + count.ReportedApartTotal });
            Assert.Equal(inventory.Parameters, inventory.Breakdown.Total);
            Assert.Equal(2 * inventory.Parameters, inventory.Bytes);
        });
    }
}
