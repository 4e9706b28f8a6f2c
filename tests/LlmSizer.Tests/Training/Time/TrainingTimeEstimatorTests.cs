using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Models;
using LlmSizer.Training.Time;
using Xunit;

namespace LlmSizer.Tests.Training.Time;

public class TrainingTimeEstimatorTests
{
    private static double A100Peak => DeviceCatalog.All.Single(d => d.Id == "a100-80gb-sxm").Fp16Flops;   // 312 TFLOP/s dense BF16

    [Fact]
    public void Gpt3_on_1024_a100s_at_140_tflops_takes_34_days()
    {
        // Narayanan et al. 2021 (arXiv:2104.04473) §5.1: time ≈ 8·T·P / (n·X); GPT-3, P = 175B, T = 300B tokens,
        // n = 1024 A100s, X = 140 TFLOP/s achieved per GPU → "34 days". X is peak × utilisation here.
        var time = TrainingTimeEstimator.Estimate(8 * 175e9 * 300e9, 1024, A100Peak, modelFlopsUtilization: 140e12 / A100Peak);
        Assert.Equal(34, Math.Round(time.Days));
        Assert.Equal(time.GpuHours / 1024, time.WallClockHours, 1e-6);
    }

    [Fact]
    public void A_trillion_parameter_gpt_on_3072_a100s_at_163_tflops_takes_84_days()
    {
        // Narayanan et al. 2021 Table 1 and §5.1: the 1T configuration (h = 25600, 160 heads, 128 layers, V = 51200, s = 2048)
        // has 1008B parameters; 450B tokens on 3072 GPUs at 163 TFLOP/s → "84 days".
        var spec = ModelCatalog.Find("gpt3-175b")!.Spec with
        {
            VocabSize = 51200, HiddenSize = 25600, Layers = 128, AttentionHeads = 160, FfnSize = 4 * 25600,
        };
        long parameters = ParameterCounter.Count(spec).Total;
        Assert.Equal(1008, Math.Round(parameters / 1e9));
        var time = TrainingTimeEstimator.Estimate(8 * parameters * 450e9, 3072, A100Peak, 163e12 / A100Peak);
        Assert.Equal(84, Math.Round(time.Days));
    }

    [Theory]
    // meta-llama/llama MODEL_CARD.md: Llama 2 pretraining on 2.0T tokens, A100-80GB GPU-hours 7B 184,320; 70B 1,720,320.
    [InlineData("llama-2-7b", 184_320)]
    [InlineData("llama-2-70b", 1_720_320)]
    public void Llama_2_gpu_hours_imply_35_to_45_percent_mfu_by_6nd(string id, double reportedGpuHours)
    {
        long parameters = ParameterCounter.Count(ModelCatalog.Find(id)!.Spec).Total;
        // At 100% of peak the run would take idealHours; the card's hours imply MFU = ideal / reported.
        double idealHours = TrainingTimeEstimator.Estimate(TrainingFlops.SixND(parameters, 2.0e12), 1, A100Peak, modelFlopsUtilization: 1).GpuHours;
        double impliedMfu = idealHours / reportedGpuHours;   // 7B: 0.3906; 70B: 0.4284
        Assert.InRange(impliedMfu, 0.35, 0.45);
        // Estimating back at that MFU gives the card's hours.
        Assert.Equal(reportedGpuHours, TrainingTimeEstimator.Estimate(TrainingFlops.SixND(parameters, 2.0e12), 2048, A100Peak, impliedMfu).GpuHours, 1e-6);
    }

    [Fact]
    public void Cost_is_gpu_hours_times_the_price_and_absent_without_a_price()
    {
        // 3.6e18 FLOPs at 1 PFLOP/s and full utilisation = 3600 s = 1 GPU-hour; 4 GPUs share it.
        var priced = TrainingTimeEstimator.Estimate(3.6e18, 4, 1e15, 1, pricePerGpuHourUsd: 2.5);
        Assert.Equal(1, priced.GpuHours, 1e-12);
        Assert.Equal(0.25, priced.WallClockHours, 1e-12);
        Assert.Equal(2.5, priced.CostUsd!.Value, 1e-12);
        Assert.Contains("cost", priced.Formula);
        Assert.Null(TrainingTimeEstimator.Estimate(3.6e18, 4, 1e15, 1).CostUsd);
        // Default utilisation is 40%: 2.5 GPU-hours.
        Assert.Equal(2.5, TrainingTimeEstimator.Estimate(3.6e18, 4, 1e15).GpuHours, 1e-12);
    }

    [Theory]
    [InlineData(1e20, 0, 1e15, 0.4, null, "gpus")]
    [InlineData(1e20, -8, 1e15, 0.4, null, "gpus")]
    [InlineData(1e20, 8, 1e15, 0.0, null, "modelFlopsUtilization")]
    [InlineData(1e20, 8, 1e15, 1.2, null, "modelFlopsUtilization")]
    [InlineData(1e20, 8, 1e15, -0.4, null, "modelFlopsUtilization")]
    [InlineData(1e20, 8, 1e15, double.NaN, null, "modelFlopsUtilization")]
    [InlineData(-1e20, 8, 1e15, 0.4, null, "flops")]
    [InlineData(1e20, 8, 0.0, 0.4, null, "peakFlopsPerGpu")]
    [InlineData(1e20, 8, 1e15, 0.4, -2.0, "pricePerGpuHourUsd")]
    public void Bad_inputs_are_usage_errors_naming_the_field(double flops, int gpus, double peak, double mfu, double? price, string field)
    {
        var e = Assert.Throws<UsageException>(() => TrainingTimeEstimator.Estimate(flops, gpus, peak, mfu, price));
        Assert.Contains(field, e.Message);
    }
}
