using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Training;

public class TrainingEstimatorTests
{
    private static readonly ModelSpec Llama8B = ModelCatalog.Find("llama-3.1-8b")!.Spec;
    private static readonly ModelSpec Llama70B = ModelCatalog.Find("llama-3.1-70b")!.Spec;
    private const long Llama8BParameters = 8_030_261_248;

    private static TrainingEstimate Estimate(ModelSpec spec, TrainingOptions options) => TrainingEstimator.Estimate(spec, options);

    private static long Line(TrainingEstimate e, string name) => e.Items.Single(i => i.Name == name).Bytes;

    private static string GiB(long bytes, string format) => (bytes / (double)(1L << 30)).ToString(format, CultureInfo.InvariantCulture);

    // Hugging Face Ultra-Scale Playbook, memory-usage figure for Llama-3.1-8B (nanotron/ultrascale-playbook): weights 14.957 GiB in
    // bf16, gradients 14.957 GiB, Adam states 59.83 GiB — 2, 2 and 8 bytes per parameter. The fp32 master copy is 4 more.
    [Fact]
    public void Mixed_precision_adamw_on_llama_3_1_8b_matches_the_ultra_scale_playbook()
    {
        var e = Estimate(Llama8B, new TrainingOptions());
        Assert.Equal(Llama8BParameters, e.TotalParameters);
        Assert.Equal(Llama8BParameters * 2, Line(e, "weights"));
        Assert.Equal(Llama8BParameters * 2, Line(e, "gradients"));
        Assert.Equal(Llama8BParameters * 8, Line(e, "optimizer states"));
        Assert.Equal(Llama8BParameters * 4, Line(e, "fp32 master weights"));
        Assert.Equal("14.957", GiB(Line(e, "weights"), "0.0000")[..6]);
        Assert.Equal("59.83", GiB(Line(e, "optimizer states"), "0.00"));
        Assert.Equal(e.PerGpuBytes, e.Items.Where(i => i.Location == TrainingLocation.Gpu).Sum(i => i.Bytes));
    }

    // The rule of thumb (x + y + 12) × N: 16 bytes per parameter for mixed precision (ZeRO paper, EleutherAI Transformer Math 101).
    [Fact]
    public void The_quick_estimate_is_x_plus_y_plus_12_bytes_per_parameter()
    {
        var quick = TrainingEstimator.QuickModelStates(TrainingPrecision.Mixed, 7_000_000_000);
        Assert.Equal((2 + 2 + 12) * 7_000_000_000L, quick.Bytes);
        Assert.Equal((4 + 4 + 12) * 7_000_000_000L, TrainingEstimator.QuickModelStates(TrainingPrecision.Fp32, 7_000_000_000).Bytes);
        // The precise figure for the same settings equals it when nothing else is in play: 2 + 2 + 4 + 8 = 16.
        var e = Estimate(Llama8B, new TrainingOptions());
        Assert.Equal(e.QuickEstimate.Bytes, Line(e, "weights") + Line(e, "gradients") + Line(e, "fp32 master weights") + Line(e, "optimizer states"));
    }

    [Fact]
    public void Precisions_store_what_their_names_say()
    {
        long BytesPerParameter(TrainingPrecision precision)
        {
            var e = Estimate(Llama8B, new TrainingOptions { Precision = precision });
            return e.Items.Where(i => i.Category is not (TrainingMemoryCategory.Activations or TrainingMemoryCategory.Overhead)).Sum(i => i.Bytes) / Llama8BParameters;
        }
        Assert.Equal(16, BytesPerParameter(TrainingPrecision.Mixed));
        Assert.Equal(18, BytesPerParameter(TrainingPrecision.MixedFp32Gradients)); // Megatron: 18 B per parameter
        Assert.Equal(18, BytesPerParameter(TrainingPrecision.Amp));                // HF model memory anatomy: 6 + 4 + 8
        Assert.Equal(8, BytesPerParameter(TrainingPrecision.Bf16));                // LLaMA-Factory pure_bf16: 2 + 2 + 4
        Assert.Equal(16, BytesPerParameter(TrainingPrecision.Fp32));
    }

    // QLoRA's base: bitsandbytes NF4 with double quantization holds, per linear weight of n values, n/2 bytes of codes, an 8-bit
    // absmax per 64 values, an fp32 absmax per 256 of those, and the 256- and 16-entry fp32 code tables; the embedding, LM head
    // and norms stay in bf16.
    [Fact]
    public void Qlora_keeps_llama_3_1_8b_linear_layers_in_nf4_and_the_rest_in_bf16()
    {
        static long Nf4(long n) => n / 2 + n / 64 + (n / 64 + 255) / 256 * 4 + 256 * 4 + 16 * 4;
        long perLayer = 2 * Nf4(4096L * 4096) + 2 * Nf4(1024L * 4096) + 3 * Nf4(14336L * 4096);
        long expected = 32 * perLayer + 2 * 128_256L * 4096 * 2 + 65L * 4096 * 2;
        var e = Estimate(Llama8B, new TrainingOptions { Method = TrainingMethod.Qlora, LoraTargets = LoraTargets.Parse("all-linear") });
        Assert.Equal(expected, Line(e, "frozen base weights"));
        // The dequantization buffer holds the largest NF4 matrix (the MLP's 14336 × 4096) in bf16.
        Assert.Equal(14336L * 4096 * 2, Line(e, "dequantized weight (transient)"));
        Assert.Equal(20_971_520, e.TrainableParameters);
        // PEFT keeps adapters in fp32: weights 4 B, gradients 4 B, AdamW m and v 8 B.
        Assert.Equal(20_971_520L * 4, Line(e, "LoRA adapters"));
        Assert.Equal(20_971_520L * 8, Line(e, "optimizer states"));
    }

    [Fact]
    public void Zero_stages_shard_optimizer_then_gradients_then_weights_over_the_data_parallel_ranks()
    {
        TrainingEstimate At(int zero) => Estimate(Llama8B, new TrainingOptions { Layout = new ParallelLayout { Gpus = 8, ZeroStage = zero } });
        var z0 = At(0);
        var z1 = At(1);
        var z2 = At(2);
        var z3 = At(3);
        // Sharding rounds each tensor up to a whole share: at most one byte per tensor per rank above the exact eighth.
        long tensors = TrainingTensor.Of(Llama8B).Count;
        static void Eighth(long whole, long share, long slack) => Assert.InRange(share, whole / 8, whole / 8 + slack);
        Eighth(Line(z0, "optimizer states"), Line(z1, "optimizer states"), tensors);
        Eighth(Line(z0, "fp32 master weights"), Line(z1, "fp32 master weights"), tensors);
        Assert.Equal(Line(z0, "gradients"), Line(z1, "gradients"));
        Eighth(Line(z0, "gradients"), Line(z2, "gradients"), tensors);
        Assert.Equal(Line(z0, "weights"), Line(z2, "weights"));
        Eighth(Line(z0, "weights"), Line(z3, "weights"), tensors);
        // DDP (ZeRO-0) over several GPUs keeps a bucket copy of the gradients; ZeRO-3 gathers the largest unit: here the
        // 128,256 × 4096 embedding (larger than one decoder layer's 218,112,000), in bf16 with its bf16 gradient.
        Assert.Equal(Line(z0, "gradients"), Line(z0, "DDP gradient buckets"));
        Assert.Equal(128_256L * 4096 * (2 + 2), Line(z3, "gathered parameters (ZeRO-3)"));
        Assert.True(z0.PerGpuBytes > z1.PerGpuBytes && z1.PerGpuBytes > z2.PerGpuBytes && z2.PerGpuBytes > z3.PerGpuBytes);
    }

    [Fact]
    public void More_gpus_never_raise_one_gpus_share_under_zero()
    {
        foreach (int zero in new[] { 1, 2, 3 })
        {
            long previous = long.MaxValue;
            foreach (int gpus in new[] { 1, 2, 4, 8, 16, 64, 256 })
            {
                long bytes = Estimate(Llama70B, new TrainingOptions { Layout = new ParallelLayout { Gpus = gpus, ZeroStage = zero } }).PerGpuBytes;
                Assert.True(bytes <= previous, $"ZeRO-{zero}: {gpus} GPUs hold {bytes} B each, more than with fewer");
                previous = bytes;
            }
        }
    }

    [Fact]
    public void Optimizer_offload_moves_master_weights_states_and_fp32_gradients_to_each_nodes_ram()
    {
        var e = Estimate(Llama8B, new TrainingOptions { Layout = new ParallelLayout { Gpus = 8, ZeroStage = 2, Offload = OffloadKind.Optimizer } });
        Assert.Equal(TrainingLocation.Cpu, e.Items.Single(i => i.Name == "optimizer states").Location);
        Assert.Equal(TrainingLocation.Cpu, e.Items.Single(i => i.Name == "fp32 master weights").Location);
        // 8 ranks on one node each hold an eighth: the node holds the whole 8 + 4 + 4 bytes per parameter, up to rounding.
        Assert.InRange(e.CpuBytesPerNode, 16 * Llama8BParameters, 16 * Llama8BParameters + 8 * 3 * 300);
        Assert.Equal(Llama8BParameters * 2, Line(e, "weights"));
        // ZeRO-Infinity: with parameters offloaded to NVMe, the node's NVMe holds the bf16 weights, fp32 master and AdamW states: 14 B per parameter.
        var nvme = Estimate(Llama8B, new TrainingOptions { Layout = new ParallelLayout { Gpus = 8, ZeroStage = 3, Offload = OffloadKind.Parameters, OffloadTo = OffloadDevice.Nvme } });
        Assert.Equal(TrainingLocation.Nvme, nvme.Items.Single(i => i.Name == "weights").Location);
        Assert.InRange(nvme.NvmeBytesPerNode, 14 * Llama8BParameters, 14 * Llama8BParameters + 8 * 3 * 300);
    }

    [Fact]
    public void Tensor_and_pipeline_parallelism_split_the_weights_and_the_heaviest_stage_counts()
    {
        var tp8 = Estimate(Llama70B, new TrainingOptions { Layout = new ParallelLayout { Gpus = 8, TensorParallel = 8 } });
        var whole = Estimate(Llama70B, new TrainingOptions());
        // Norms are replicated, matrices split: slightly more than an eighth.
        Assert.InRange(Line(tp8, "weights"), Line(whole, "weights") / 8, Line(whole, "weights") / 8 + 2 * 161 * 8192 * 2);
        // Two stages of 40 layers: the first holds the embedding, the last the (untied) LM head and final norm; same size.
        var pp2 = Estimate(Llama70B, new TrainingOptions { Layout = new ParallelLayout { Gpus = 2, PipelineParallel = 2 } });
        long layer = (70_553_706_496L - 2 * 128_256L * 8192 - 8192) / 80;
        Assert.Equal((40 * layer + 128_256L * 8192 + 8192) * 2, Line(pp2, "weights"));
    }

    [Fact]
    public void Optimizer_in_backward_keeps_only_the_largest_gradient()
    {
        var e = Estimate(Llama8B, new TrainingOptions { Precision = TrainingPrecision.Bf16, Optimizer = OptimizerKind.PagedAdamW8bit, OptimizerInBackward = true });
        Assert.Equal(128_256L * 4096 * 2, Line(e, "gradients"));
        Assert.Equal(TrainingLocation.Gpu, e.Items.Single(i => i.Name == "optimizer states (paged)").Location);
        Assert.Contains(e.Notes, n => n.Contains("unified memory"));
    }

    [Theory]
    [InlineData(0, 1, 1, 1, "none", "--seq")]
    [InlineData(2048, 3, 1, 1, "none", "--tp 3 does not divide")]
    [InlineData(2048, 1, 1, 2, "none", "--ep 2: the model has no routed experts")]
    [InlineData(2048, 1, 100, 1, "none", "--pp 100 is more pipeline stages")]
    [InlineData(2048, 1, 1, 1, "optimizer", "needs --zero 2 or 3")]
    public void Impossible_settings_are_errors_naming_the_option(int seq, int tp, int pp, int ep, string offload, string message)
    {
        var options = new TrainingOptions
        {
            SequenceTokens = seq,
            Layout = new ParallelLayout
            {
                Gpus = tp * pp * ep, TensorParallel = tp, PipelineParallel = pp, ExpertParallel = ep,
                Offload = offload == "optimizer" ? OffloadKind.Optimizer : OffloadKind.None,
            },
        };
        Assert.Contains(message, Assert.Throws<UsageException>(() => Estimate(Llama8B, options)).Message);
    }

    [Fact]
    public void Zero_3_on_one_gpu_is_allowed_but_called_pointless()
    {
        var e = Estimate(Llama8B, new TrainingOptions { Layout = new ParallelLayout { ZeroStage = 3 } });
        Assert.Contains(e.Notes, n => n.StartsWith("ZeRO-3 on one GPU shards nothing", StringComparison.Ordinal));
    }

    [Fact]
    public void Checkpoints_hold_bf16_weights_or_the_adapter_and_optionally_the_optimizer()
    {
        var full = Estimate(Llama8B, new TrainingOptions());
        Assert.Equal(Llama8BParameters * 2, full.Checkpoint.WeightsBytes);
        Assert.Equal(Llama8BParameters * (2 + 4 + 8), full.Checkpoint.WithOptimizerBytes);
        var lora = Estimate(Llama8B, new TrainingOptions { Method = TrainingMethod.Lora });
        Assert.Equal(lora.TrainableParameters * 4, lora.Checkpoint.WeightsBytes);
    }

    /// <summary>
    /// Found by the sums property (tests/LlmSizer.Tests/Properties): GPT-2's GGUF layout stores a copy of its tied head, and the
    /// trainer counted it as a second matrix (163,037,184 parameters, with gradients and optimizer states for it). PyTorch trains
    /// one shared matrix: the model's 124,439,808 parameters (openai-community/gpt2 model.safetensors).
    /// </summary>
    [Fact]
    public void Gpt2_trains_its_tied_head_once()
    {
        var gpt2 = ModelCatalog.Find("gpt2")!.Spec;
        var e = Estimate(gpt2, new TrainingOptions());
        Assert.Equal(124_439_808, e.TotalParameters);
        Assert.Equal(124_439_808L * 2, Line(e, "weights")); // mixed precision: a 2-byte working copy of each weight
    }

    /// <summary>
    /// Found by the large-value property: 9,513 layers of 36,604 experts on 8 GPUs passed 2^63 bytes in the all-GPU total, and
    /// the estimator threw a bare OverflowException; it is now a usage error that says so. (Layers are now capped at 2,048;
    /// the same shape at the cap still passes 2^63.)
    /// </summary>
    [Fact]
    public void Memory_beyond_a_64_bit_count_is_refused_with_a_sentence()
    {
        var spec = new ModelSpec
        {
            Architecture = "qwen3_moe", VocabSize = 6_341_237, HiddenSize = 19_456, Layers = 2048, AttentionHeads = 152, KeyValueHeads = 38,
            FfnSize = 53_612_931,
            Moe = new MoeSpec { RoutedExperts = 36_604, ExpertsPerToken = 8, ExpertFfnSize = 15_680_612 },
        };
        var e = Assert.Throws<UsageException>(() => Estimate(spec, new TrainingOptions
        {
            Method = TrainingMethod.Lora, SequenceTokens = 2545, Layout = new ParallelLayout { Gpus = 8, ZeroStage = 2 },
        }));
        Assert.StartsWith("training qwen3_moe: the model's sizes and these settings need more than 2^63 bytes", e.Message);
    }
}
