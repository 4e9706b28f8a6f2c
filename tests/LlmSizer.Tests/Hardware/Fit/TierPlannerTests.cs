using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;
using Xunit;

namespace LlmSizer.Tests.Hardware.Fit;

public class TierPlannerTests
{
    private static readonly ModelSource Llama70B = ModelSource.Open("llama-3.1-70b");
    private static readonly ModelSource Llama8B = ModelSource.Open("llama-3.1-8b");
    private static readonly InferenceOptions At8K = new() { ContextTokens = 8192 };

    [Fact]
    public void Each_tier_offers_the_first_row_of_the_ranking_over_its_own_devices()
    {
        var fits = TierPlanner.Plan(Llama70B, At8K);
        foreach (var fit in fits)
        {
            var ranked = FitPlanner.Rank(Llama70B, At8K, fit.Tier.Devices, fit.Tier.MaxCount);
            Assert.Equal(ranked.FirstOrDefault()?.Device.Id, fit.Cheapest?.Device.Id);
            Assert.Equal(ranked.FirstOrDefault()?.Count, fit.Cheapest?.Count);
        }
    }

    [Fact]
    public void Llama_3_1_70b_q4_k_m_needs_two_24_gb_desktop_cards_and_no_laptop_holds_it()
    {
        var fits = TierPlanner.Plan(Llama70B, At8K);
        var plan = FitPlanner.Plan(Llama70B, At8K, new FitOptions(DeviceCatalog.Resolve("rtx-4090x2")));
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        // No single consumer card holds it (the largest, the RTX 5090, has 32 GiB); two 16 GiB cards hold 31 GiB. Of the 24 GiB
        // cards the RTX 4090 offers the least (its driver reports 24564 MiB, the RTX 3090 24576 MiB).
        Assert.True(plan.Estimate.TotalBytes > 2 * DeviceCatalog.Resolve("rtx-5080").Device.UsableMemoryBytes);
        Assert.Null(fits.Single(f => f.Tier.Id == "laptop-gpu").Cheapest);
        var desktop = fits.Single(f => f.Tier.Id == "desktop-gpu").Cheapest!;
        Assert.Equal(("rtx-4090", 2), (desktop.Device.Id, desktop.Count));
        Assert.Equal("desktop-gpu", TierPlanner.Cheapest(fits)!.Tier.Id);
        // One card each where the card has 48 GiB or more: the L40S (46068 MiB reported) is the smallest data-centre card that holds it.
        Assert.Equal(("l40s", 1), (fits.Single(f => f.Tier.Id == "server").Cheapest!.Device.Id, fits.Single(f => f.Tier.Id == "server").Cheapest!.Count));
    }

    [Fact]
    public void The_cpu_tier_is_the_cheapest_only_when_no_accelerated_tier_runs_the_model()
    {
        // CPU tier listed first on purpose: a GPU tier that runs the model still wins.
        var tiers = HardwareTiers.Read("""
            {"tiers": [
              {"id": "cpu", "name": "CPU", "description": "d", "maxCount": 1, "accelerated": false, "devices": ["ddr5-5600-2ch"]},
              {"id": "small", "name": "Small GPU", "description": "d", "maxCount": 1, "devices": ["rtx-4060"]}
            ]}
            """, "test", DeviceCatalog.Index);
        Assert.Equal("small", TierPlanner.Cheapest(TierPlanner.Plan(Llama8B, At8K, tiers))!.Tier.Id);
        // At F16 (16 GB of weights) the 8 GB card cannot hold it; 64 GiB of DDR5 can.
        var f16 = At8K with { WeightsType = "F16" };
        var fits = TierPlanner.Plan(Llama8B, f16, tiers);
        Assert.Null(fits[1].Cheapest);
        Assert.Equal("cpu", TierPlanner.Cheapest(fits)!.Tier.Id);
    }

    [Fact]
    public void Vllm_is_not_offered_on_apple_silicon_which_it_runs_on_the_cpu_only()
    {
        var unified = TierPlanner.Plan(Llama8B, At8K with { Engine = InferenceEngine.Vllm }).Single(f => f.Tier.Id == "unified-memory");
        Assert.NotEqual("Apple", unified.Cheapest!.Device.Vendor);
    }

    [Fact]
    public void A_model_too_large_for_every_tier_has_no_cheapest_tier()
    {
        var fits = TierPlanner.Plan(ModelSource.Open("llama-3.1-405b"), At8K with { WeightsType = "F16", ContextTokens = 131072 },
            HardwareTiers.All.Where(t => t.Id is "laptop-gpu" or "desktop-gpu"));
        Assert.All(fits, f => Assert.Null(f.Cheapest));
        Assert.Null(TierPlanner.Cheapest(fits));
    }
}
