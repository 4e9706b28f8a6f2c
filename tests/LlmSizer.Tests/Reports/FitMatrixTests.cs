using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;
using LlmSizer.Reports;
using Xunit;

namespace LlmSizer.Tests.Reports;

public class FitMatrixTests
{
    private static readonly ModelSource Llama70B = ModelSource.Open("llama-3.1-70b");
    private static readonly InferenceOptions At8K = new() { ContextTokens = 8192 };

    [Fact]
    public void Each_cell_is_the_planners_verdict_for_that_device_and_weights()
    {
        var devices = FitMatrix.ChartDevices(DeviceCatalog.Resolve("rtx-4090"), HardwareTiers.All.Where(t => t.Id is "desktop-gpu" or "cpu"));
        var matrix = FitMatrix.Build(Llama70B, At8K, devices, hostRamBytes: 64_000_000_000);
        Assert.Equal(FitPlanner.QualityLadder(InferenceEngine.LlamaCpp), matrix.Weights);
        Assert.Equal(devices.Count, matrix.Rows.Count);
        for (int r = 0; r < devices.Count; r++)
        {
            var device = devices[r].Selection;
            long? ram = device.Device.Kind == DeviceKind.Gpu ? 64_000_000_000 : null;
            for (int c = 0; c < matrix.Weights.Count; c++)
            {
                var plan = FitPlanner.Plan(Llama70B, At8K with { WeightsType = matrix.Weights[c] }, new FitOptions(device, ram));
                var cell = matrix.Rows[r].Cells[c];
                Assert.Equal(FitReport.VerdictName(plan.Verdict), cell.Verdict);
                Assert.Equal(plan.GpuLayers, cell.GpuLayers);
            }
        }
    }

    [Fact]
    public void Rows_start_with_the_asked_device_and_do_not_repeat_it()
    {
        var rows = FitMatrix.ChartDevices(DeviceCatalog.Resolve("rtx-4090"));
        Assert.Equal(("rtx-4090", "Asked"), (rows[0].Label, rows[0].Group));
        Assert.Single(rows, r => r.Label == "rtx-4090");
        Assert.Equal(HardwareTiers.All.Sum(t => t.ChartDevices.Count), rows.Count);
        Assert.Contains(rows, r => r.Label == "h100-sxm ×8" && r.Group == "Data-centre GPU server");
    }

    [Fact]
    public void A_cpu_row_judges_against_its_own_memory_not_the_ram_beside_a_gpu()
    {
        // 768 GiB of 12-channel DDR5 holds the 73 GiB llama.cpp needs on a CPU for Llama 3.1 70B Q4_K_M, whatever --ram says.
        var matrix = FitMatrix.Build(Llama70B, At8K, FitMatrix.ChartDevices(DeviceCatalog.Resolve("ddr5-6000-12ch"), []), hostRamBytes: 16L << 30);
        Assert.Equal("fits", matrix.Rows[0].Cells.Single(c => c.Weights == "Q4_K_M").Verdict);
    }

    [Fact]
    public void Vllm_rows_leave_out_cpus_and_apple_silicon()
    {
        var matrix = FitMatrix.Build(ModelSource.Open("llama-3.1-8b"), At8K with { Engine = InferenceEngine.Vllm }, FitMatrix.ChartDevices(null));
        Assert.DoesNotContain(matrix.Rows, r => r.Device.StartsWith("ddr", StringComparison.Ordinal) || r.Device.StartsWith("m4", StringComparison.Ordinal) || r.Device.StartsWith("m3", StringComparison.Ordinal));
        Assert.Contains(matrix.Rows, r => r.Device == "dgx-spark");
        Assert.Equal(["BF16", "FP8", "GPTQ-INT8", "AWQ", "GPTQ-INT4"], matrix.Weights);
    }
}
