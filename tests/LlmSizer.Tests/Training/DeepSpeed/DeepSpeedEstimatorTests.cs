using LlmSizer.Errors;
using LlmSizer.Training.DeepSpeed;
using Xunit;

namespace LlmSizer.Tests.Training.DeepSpeed;

/// <summary>
/// DeepSpeed's model-states estimator against its own printed output. Source of every expected line:
/// microsoft/DeepSpeed docs/code-docs/source/memory.rst at 38327e07f (2025-02-21), "API To Estimate Memory Usage" (t5-3b tables)
/// and "Discussion" (t5-large hand example); formulas from deepspeed/runtime/zero/stage_1_and_2.py and stage3.py at the same commit.
/// </summary>
public class DeepSpeedEstimatorTests
{
    // memory.rst's cold calls: total_params=2851e6, largest_layer_params=32e6, num_gpus_per_node=8, num_nodes=1.
    private const long ColdParameters = 2_851_000_000;
    private const long ColdLargestLayer = 32_000_000;

    /// <summary>
    /// Parameters of the Hugging Face T5 (v1.0) encoder-decoder as <c>AutoModel</c> loads it (T5Model, no LM head): one shared
    /// embedding; per encoder block self-attention (q, k, v, o), feed-forward wi and wo and two weight-only layer norms; per
    /// decoder block self- and cross-attention, feed-forward and three norms; a relative-position bias (buckets × heads) in the
    /// first block of each stack; a final norm per stack. Largest single module: the shared embedding (vocab × d_model).
    /// </summary>
    private static (long Total, long LargestLayer) T5(long dModel, long dFf, long heads, long dKv, long layers, long vocab = 32128, long buckets = 32)
    {
        long attention = 4 * dModel * heads * dKv;
        long feedForward = 2 * dModel * dFf;
        long encoderBlock = attention + feedForward + 2 * dModel;
        long decoderBlock = 2 * attention + feedForward + 3 * dModel;
        long stackExtras = buckets * heads + dModel;
        long embedding = vocab * dModel;
        return (embedding + layers * (encoderBlock + decoderBlock) + 2 * stackExtras, embedding);
    }

    [Fact]
    public void Zero2_cold_rows_print_as_the_docs_table_with_the_formula_the_docs_were_made_with()
    {
        // memory.rst, estimate_zero2_model_states_mem_needs_all_cold(total_params=2851e6, num_gpus_per_node=8, num_nodes=1)
        var rows = DeepSpeedEstimator.Zero2Cold(ColdParameters, gpusPerNode: 8, nodes: 1, DeepSpeedVersion.Docs);
        Assert.Equal(
            ["  127.45GB |   5.31GB | offload_optimizer=cpu", "  127.45GB |  15.93GB | offload_optimizer=none"],
            rows.Select(r => r.FormatRow()));
    }

    [Fact]
    public void Zero2_without_offload_in_current_deepspeed_needs_2P_plus_18P_over_N_which_is_11_28_GiB_for_t5_3b()
    {
        // stage_1_and_2.py since f4cb866c2 (PR #5099): gpu_mem = 2 * P + int(18 * P / N) = 5,702,000,000 + 6,414,750,000.
        var row = DeepSpeedEstimator.Zero2(ColdParameters, 8, 1, offloadOptimizer: false);
        Assert.Equal(12_116_750_000, row.GpuBytes);
        Assert.Equal("  127.45GB |  11.28GB | offload_optimizer=none", row.FormatRow());
        // The docs' 15.93 came from 4 * P + int(16 * P / N) = 11,404,000,000 + 5,702,000,000.
        Assert.Equal(17_106_000_000, DeepSpeedEstimator.Zero2(ColdParameters, 8, 1, false, DeepSpeedVersion.Docs).GpuBytes);
        // The offloaded row does not depend on the version.
        Assert.Equal(
            DeepSpeedEstimator.Zero2(ColdParameters, 8, 1, true, DeepSpeedVersion.Docs),
            DeepSpeedEstimator.Zero2(ColdParameters, 8, 1, true, DeepSpeedVersion.Current));
    }

    [Fact]
    public void Zero3_cold_rows_print_as_the_docs_table()
    {
        // memory.rst, estimate_zero3_model_states_mem_needs_all_cold(total_params=2851e6, largest_layer_params=32e6, 8, 1)
        string[] docs =
        [
            "   71.69GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=1",
            "  127.45GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=0",
            "   63.72GB |   0.78GB | offload_param=none, offload_optimizer=cpu , zero_init=1",
            "  127.45GB |   0.78GB | offload_param=none, offload_optimizer=cpu , zero_init=0",
            "    1.43GB |   6.09GB | offload_param=none, offload_optimizer=none, zero_init=1",
            "  127.45GB |   6.09GB | offload_param=none, offload_optimizer=none, zero_init=0",
        ];
        Assert.Equal(docs, DeepSpeedEstimator.Zero3Cold(ColdParameters, ColdLargestLayer, 8, 1).Select(r => r.FormatRow()));
    }

    [Fact]
    public void Zero3_without_offload_with_zero_init_is_largest_layer_plus_18P_over_N_on_gpu()
    {
        // gpu = 4 * 32e6 + int(18 * 2851e6 / 8) = 128,000,000 + 6,414,750,000; cpu = 32e6 * 4 * 8 * 1.5
        var row = DeepSpeedEstimator.Zero3(ColdParameters, ColdLargestLayer, 8, 1, offloadParameters: false, offloadOptimizer: false, zeroInit: true);
        Assert.Equal(6_542_750_000, row.GpuBytes);
        Assert.Equal(1_536_000_000, row.CpuBytes);
    }

    [Fact]
    public void Live_t5_3b_tables_follow_from_its_counted_parameters()
    {
        // Hugging Face t5-3b config.json: d_model 1024, d_ff 16384, num_heads 32, d_kv 128, num_layers 24, vocab 32128.
        var (total, largest) = T5(dModel: 1024, dFf: 16384, heads: 32, dKv: 128, layers: 24);
        Assert.Equal(2_851_598_336, total);   // DeepSpeed prints int(P/1e6) = "2851M"
        Assert.Equal(32_899_072, largest);    // "32M"

        // memory.rst, estimate_zero2_model_states_mem_needs_all_live(t5-3b, 8 GPUs, 1 node), printed with the older formula
        Assert.Equal(
            ["  127.48GB |   5.31GB | offload_optimizer=cpu", "  127.48GB |  15.93GB | offload_optimizer=none"],
            DeepSpeedEstimator.Zero2Cold(total, 8, 1, DeepSpeedVersion.Docs).Select(r => r.FormatRow()));
        // memory.rst, estimate_zero3_model_states_mem_needs_all_live(t5-3b, 8 GPUs, 1 node)
        string[] docs =
        [
            "   71.71GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=1",
            "  127.48GB |   0.12GB | offload_param=cpu , offload_optimizer=cpu , zero_init=0",
            "   63.74GB |   0.79GB | offload_param=none, offload_optimizer=cpu , zero_init=1",
            "  127.48GB |   0.79GB | offload_param=none, offload_optimizer=cpu , zero_init=0",
            "    1.47GB |   6.10GB | offload_param=none, offload_optimizer=none, zero_init=1",
            "  127.48GB |   6.10GB | offload_param=none, offload_optimizer=none, zero_init=0",
        ];
        Assert.Equal(docs, DeepSpeedEstimator.Zero3Cold(total, largest, 8, 1).Select(r => r.FormatRow()));
    }

    [Fact]
    public void T5_large_hand_example_on_4_gpus_gives_the_docs_mebibytes()
    {
        // Hugging Face t5-large config.json: d_model 1024, d_ff 4096, num_heads 16, d_kv 64, num_layers 24, vocab 32128.
        var (total, largest) = T5(dModel: 1024, dFf: 4096, heads: 16, dKv: 64, layers: 24);
        Assert.Equal("737.67", (total / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));   // "total params: 737.67M"
        Assert.Equal("32.90", (largest / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));  // "largest layer params: 32.90M"

        // memory.rst prints each GPU figure >> 20: largest layer memory 125, case1 3291, case2 125, case3 477.
        long Gpu(bool offloadParameters, bool offloadOptimizer) =>
            DeepSpeedEstimator.Zero3(total, largest, 4, 1, offloadParameters, offloadOptimizer, zeroInit: true).GpuBytes >> 20;
        Assert.Equal(3291, Gpu(false, false));   // case 1: nothing offloaded
        Assert.Equal(125, Gpu(true, true));      // case 2: both offloaded = the largest layer memory alone
        Assert.Equal(477, Gpu(false, true));     // case 3: optimizer offloaded
    }

    [Fact]
    public void Zero2_offload_cpu_uses_all_gpus_as_the_code_does_not_per_node_as_the_docs_say()
    {
        // stage_1_and_2.py: cpu_mem = total_params * max(4 * total_gpus, 16) * 1.5; 2 nodes × 8 GPUs → 64 × P × 1.5.
        var row = DeepSpeedEstimator.Zero2(1_000_000_000, 8, 2, offloadOptimizer: true);
        Assert.Equal(96_000_000_000, row.CpuBytes);
        Assert.Equal(2_000_000_000, row.GpuBytes);
        // One GPU: max(4, 16) = 16.
        Assert.Equal(24_000_000_000, DeepSpeedEstimator.Zero2(1_000_000_000, 1, 1, true).CpuBytes);
    }

    [Fact]
    public void Zero3_without_zero_init_on_many_nodes_takes_python_max_of_4n_and_the_per_node_share()
    {
        // stage3.py: P * max(4 * n, 18 * (1 / M)) * 1.5; one GPU per node on 1 node: max(4, 18.0) = 18.0 → 27 P.
        Assert.Equal(27_000_000_000, DeepSpeedEstimator.Zero3(1_000_000_000, 1_000_000, 1, 1, true, true, zeroInit: false).CpuBytes);
        // 8 GPUs per node on 4 nodes: max(32, 4.5) = 32 → 48 P; with zero.Init 18 × 0.25 × 1.5 = 6.75 P.
        Assert.Equal(48_000_000_000, DeepSpeedEstimator.Zero3(1_000_000_000, 1_000_000, 8, 4, true, true, zeroInit: false).CpuBytes);
        Assert.Equal(6_750_000_000, DeepSpeedEstimator.Zero3(1_000_000_000, 1_000_000, 8, 4, true, true, zeroInit: true).CpuBytes);
    }

    [Fact]
    public void Printed_gibibytes_round_half_to_even_like_python()
    {
        // Python: f"{2**27 / 2**30:6.2f}" == "  0.12" (0.125 exactly, half to even); 3 × 2^27 → 0.375 → "  0.38".
        Assert.Equal("    0.00GB |   0.12GB | x", new DeepSpeedEstimate("x", 0, 1L << 27).FormatRow());
        Assert.Equal("    0.00GB |   0.38GB | x", new DeepSpeedEstimate("x", 0, 3L << 27).FormatRow());
    }

    [Theory]
    [InlineData(0L, 8, 1, 1.5, "totalParameters")]
    [InlineData(1_000L, 0, 1, 1.5, "gpusPerNode")]
    [InlineData(1_000L, 8, 0, 1.5, "nodes")]
    [InlineData(1_000L, 8, 1, 0.0, "additionalBufferFactor")]
    [InlineData(1_000L, 8, 1, double.NaN, "additionalBufferFactor")]
    public void Bad_inputs_are_usage_errors_naming_the_field(long parameters, int gpusPerNode, int nodes, double buffer, string field)
    {
        var e2 = Assert.Throws<UsageException>(() => DeepSpeedEstimator.Zero2Cold(parameters, gpusPerNode, nodes, additionalBufferFactor: buffer));
        Assert.Contains(field, e2.Message);
        var e3 = Assert.Throws<UsageException>(() => DeepSpeedEstimator.Zero3Cold(parameters, 1, gpusPerNode, nodes, buffer));
        Assert.Contains(field, e3.Message);
    }

    [Fact]
    public void Zero3_rejects_a_largest_layer_bigger_than_the_model_and_parameter_offload_without_optimizer_offload()
    {
        Assert.Contains("largestLayerParameters", Assert.Throws<UsageException>(() => DeepSpeedEstimator.Zero3Cold(1_000, 2_000, 8, 1)).Message);
        Assert.Contains("offload_param=cpu", Assert.Throws<UsageException>(() =>
            DeepSpeedEstimator.Zero3(1_000, 10, 8, 1, offloadParameters: true, offloadOptimizer: false, zeroInit: true)).Message);
    }
}
