using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using Xunit;

namespace LlmSizer.Tests.Hardware.Fit;

public class FitPlannerTests
{
    private static readonly ModelSource Llama8B = ModelSource.Open("llama-3.1-8b");
    private static readonly ModelSource Llama70B = ModelSource.Open("llama-3.1-70b");
    private const long MiB = 1L << 20;

    private static FitOptions On(string device, long? ram = null) => new(DeviceCatalog.Resolve(device), ram);

    private static long Gpu(MemoryEstimate e) => e.Items.Where(i => i.Device == "GPU").Sum(i => i.Bytes);

    // llama.cpp tools/fit-params/README.md: Qwen3-30B-A3B F16 on an RTX 4090, default context 40960: llama.cpp's dry run
    // projects 61807 MiB on the GPU with every layer offloaded, and lowering the context to 4096 frees 3456 MiB (the KV cache
    // of 36,864 tokens × 48 layers × 4 KV heads × 128 × 2 × 2 B).
    [Fact]
    public void Full_offload_projection_matches_llama_cpp_fit_dry_run_for_qwen3_30b_a3b_f16()
    {
        var qwen = ModelSource.Open("qwen3-30b-a3b");
        var plan = FitPlanner.Plan(qwen, new InferenceOptions { WeightsType = "F16", ContextTokens = 40960, GpuLayers = 49 }, On("rtx-4090"));
        double projectedMiB = Gpu(plan.Estimate) / (double)MiB;
        Assert.InRange(projectedMiB, 61807 * 0.99, 61807 * 1.01);
        var shorter = FitPlanner.Plan(qwen, new InferenceOptions { WeightsType = "F16", ContextTokens = 4096, GpuLayers = 49 }, On("rtx-4090"));
        Assert.Equal(3456 * MiB, Gpu(plan.Estimate) - Gpu(shorter.Estimate));
        Assert.Equal(FitVerdict.DoesNotFit, plan.Verdict); // 60 GiB of weights on a 24 GiB card with every layer forced on it
    }

    [Fact]
    public void Llama_3_1_8b_q4_k_m_fits_an_rtx_4090_entirely_with_every_layer_on_the_gpu()
    {
        var plan = FitPlanner.Plan(Llama8B, new InferenceOptions { ContextTokens = 8192 }, On("rtx-4090"));
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        Assert.True(plan.Fits && plan.FitsWithOffload);
        Assert.Equal(33, plan.GpuLayers);
        Assert.Equal(0, plan.CpuLayers);
        Assert.Equal(Gpu(plan.Estimate), plan.Devices.Single(d => d.Device == "GPU").UsedBytes);
        // The longest context is the model's own 131,072: at Q4_K_M its 16 GiB of KV cache still fits the card.
        Assert.Equal(131_072, plan.MaxContextTokens);
    }

    [Theory]
    [InlineData("llama-3.1-8b", "F16", "rtx-4090")]
    [InlineData("llama-3.1-70b", "Q4_K_M", "rtx-4090")]
    [InlineData("llama-3.1-70b", "Q4_K_M", "rtx-3090x2")]
    [InlineData("qwen3-30b-a3b", "Q4_K_M", "rtx-4060-ti-16gb")]
    public void The_longest_context_is_the_last_256_token_step_that_keeps_the_placement_within_memory(string model, string weights, string device)
    {
        var source = ModelSource.Open(model);
        var fit = new FitOptions(DeviceCatalog.Resolve(device), 128L << 30);
        var options = new InferenceOptions { WeightsType = weights, ContextTokens = 4096 };
        var plan = FitPlanner.Plan(source, options, fit);
        int longest = plan.MaxContextTokens!.Value;
        Assert.True(longest < source.Model.Spec!.MaxContextTokens);
        var placed = options with { GpuLayers = plan.GpuLayers, CpuMoeLayers = plan.CpuMoeLayers };
        bool Holds(int context) => FitPlanner.Plan(source, placed with { ContextTokens = context }, fit).Devices.All(d => d.Fits);
        Assert.True(Holds(longest));
        Assert.False(Holds(longest + 256));
    }

    [Fact]
    public void The_offload_search_keeps_the_most_layers_whose_gpu_buffers_fit()
    {
        var fit = On("rtx-4090", ram: 64L << 30);
        var options = new InferenceOptions { ContextTokens = 8192 };
        var plan = FitPlanner.Plan(Llama70B, options, fit);
        Assert.Equal(FitVerdict.FitsWithOffload, plan.Verdict);
        int ngl = plan.GpuLayers!.Value;
        Assert.Equal(81 - ngl, plan.CpuLayers);
        long capacity = fit.Devices.Device.UsableMemoryBytes - FitOptions.DefaultMarginBytes;
        // Maximal: the chosen -ngl fits, one more layer does not (the same estimates llama.cpp's buffers were checked against).
        Assert.True(Gpu(InferenceEstimator.Estimate(Llama70B, options with { GpuLayers = ngl })) <= capacity);
        Assert.True(Gpu(InferenceEstimator.Estimate(Llama70B, options with { GpuLayers = ngl + 1 })) > capacity);
        Assert.Equal(plan.Estimate.Items.Where(i => i.Device == "CPU").Sum(i => i.Bytes), plan.HostRamBytes);
    }

    [Fact]
    public void The_plan_carries_the_speed_of_its_own_placement()
    {
        var options = new InferenceOptions { ContextTokens = 8192 };
        var plan = FitPlanner.Plan(Llama70B, options, On("rtx-4090", ram: 64L << 30));
        var host = DeviceCatalog.Resolve(FitOptions.DefaultHostCpuId).Device;
        var expected = LlmSizer.Hardware.Speed.SpeedEstimator.Estimate(
            LlmSizer.Hardware.Speed.ModelTraffic.From(Llama70B.Model.Spec!, InferenceEstimator.Weights(Llama70B, Llama70B.Model.Spec!, options).Weights),
            InferenceEngine.LlamaCpp,
            new LlmSizer.Hardware.Speed.SpeedHardware { Device = DeviceCatalog.Resolve("rtx-4090").Device, Host = host },
            new LlmSizer.Hardware.Speed.SpeedPlacement { GpuLayers = plan.GpuLayers },
            new LlmSizer.Hardware.Speed.SpeedWorkload { ContextTokens = 8192 });
        Assert.Equal(expected.DecodeTokensPerSecond, plan.Speed!.DecodeTokensPerSecond, 9);
        Assert.Contains(plan.Notes, n => n.Contains("pass --cpu", StringComparison.Ordinal));
        // Everything on the GPU decodes faster than with half the layers read from RAM.
        var full = FitPlanner.Plan(Llama70B, options, On("rtx-4090x2"));
        Assert.True(full.Speed!.DecodeTokensPerSecond > 2 * plan.Speed.DecodeTokensPerSecond);
    }

    [Fact]
    public void Layers_split_over_two_gpus_as_llama_cpp_splits_them_and_the_bytes_add_up()
    {
        // llama-model.cpp: with equal split shares, layer il goes to GPU ⌊il · 2 / 81⌋, so il 0–40 on GPU0 (41 layers) and
        // 41–80 (blocks 41–79 and the output layer) on GPU1.
        var options = new InferenceOptions { ContextTokens = 8192 };
        var plan = FitPlanner.Plan(Llama70B, options, new FitOptions(DeviceCatalog.Resolve("rtx-4090x2")));
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        Assert.Equal([41, 40], plan.TensorSplit);
        Assert.Equal("0–40", plan.Devices[0].Layers);
        Assert.Equal("41–79, output", plan.Devices[1].Layers);
        var single = InferenceEstimator.Estimate(Llama70B, options);
        long resident = single.Items.Where(i => i.Device == "GPU" && i.Category is MemoryCategory.Weights or MemoryCategory.KvCache).Sum(i => i.Bytes);
        long compute = single.Items.Where(i => i.Device == "GPU" && i.Category == MemoryCategory.Compute).Sum(i => i.Bytes);
        Assert.Equal(resident + 2 * compute, plan.Devices[0].UsedBytes + plan.Devices[1].UsedBytes);
    }

    [Fact]
    public void A_mac_holds_the_gpu_side_within_its_working_set_limit()
    {
        // M2 Max 64 GB: macOS lets the GPU wire 3/4 of 64 GiB = 48 GiB by default (the catalog's usable memory).
        var fit = On("m2-max-64gb");
        var plan = FitPlanner.Plan(Llama70B, new InferenceOptions { ContextTokens = 8192 }, fit);
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        Assert.True(plan.Devices[0].UsedBytes + FitOptions.DefaultMarginBytes <= fit.Devices.Device.UsableMemoryBytes);
        // Q8_0 (75 GB) is beyond the 64 GB pool altogether.
        var q8 = FitPlanner.Plan(Llama70B, new InferenceOptions { ContextTokens = 8192, WeightsType = "Q8_0" }, fit);
        Assert.Equal(FitVerdict.DoesNotFit, q8.Verdict);
    }

    [Fact]
    public void A_cpu_runs_everything_from_ram_and_fits_when_ram_holds_it()
    {
        var plan = FitPlanner.Plan(Llama8B, new InferenceOptions { ContextTokens = 8192 }, On("ddr5-5600-2ch"));
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        Assert.Equal(0, plan.GpuLayers);
        // Everything is host memory, except that with mmap the file pages of the matrices repacked for the CPU are not kept
        // beside their repacked copy.
        long repacked = plan.Estimate.Items.Where(i => i.Name == LlmSizer.Inference.LlamaCpp.LlamaCppProfile.RepackedWeights).Sum(i => i.Bytes);
        Assert.True(repacked > 0);
        Assert.Equal(plan.Estimate.TotalBytes - repacked, plan.HostRamBytes);
        var tooSmall = FitPlanner.Plan(Llama70B, new InferenceOptions { ContextTokens = 8192 }, On("ddr5-5600-2ch", ram: 16L << 30));
        Assert.Equal(FitVerdict.DoesNotFit, tooSmall.Verdict);
        Assert.Throws<UsageException>(() => FitPlanner.Plan(Llama8B, new InferenceOptions { GpuLayers = 5 }, On("ddr5-5600-2ch")));
    }

    // Meta, "Introducing Llama 3.1" (2024-07-23): the 405B model was quantized from BF16 to FP8 "making it possible to run on a
    // single server node" of 8 H100 80 GB GPUs; in BF16 its 811 GB of weights need two such nodes.
    [Fact]
    public void Llama_3_1_405b_needs_one_h100_node_in_fp8_and_two_in_bf16_on_vllm()
    {
        var source = ModelSource.Open("llama-3.1-405b");
        var fit = On("h100-sxm");
        Assert.Equal(8, FitPlanner.MinDevices(source, new InferenceOptions { Engine = InferenceEngine.Vllm, WeightsType = "FP8", ContextTokens = 8192 }, fit));
        Assert.Equal(16, FitPlanner.MinDevices(source, new InferenceOptions { Engine = InferenceEngine.Vllm, WeightsType = "BF16", ContextTokens = 8192 }, fit));
    }

    [Fact]
    public void Vllm_fits_when_its_kv_cache_holds_one_sequence_and_reports_the_cache_as_the_longest_context()
    {
        var plan = FitPlanner.Plan(Llama8B, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 8192 }, On("h100-sxm"));
        Assert.Equal(FitVerdict.FitsOnDevice, plan.Verdict);
        Assert.Equal(1, plan.TensorParallel);
        Assert.Equal(131_072, plan.MaxContextTokens); // the cache holds more than the model's own limit
        var big = FitPlanner.Plan(Llama70B, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 8192 }, On("h100-sxm"));
        Assert.Equal(FitVerdict.DoesNotFit, big.Verdict); // 141 GB of BF16 weights on one 80 GB GPU
    }

    [Fact]
    public void The_best_weights_are_the_first_of_the_quality_ladder_that_fit_and_the_one_above_does_not()
    {
        var fit = On("rtx-3060-12gb");
        var options = new InferenceOptions { ContextTokens = 8192 };
        var best = FitPlanner.BestWeights(Llama8B, options, fit);
        Assert.NotNull(best);
        var ladder = FitPlanner.QualityLadder(InferenceEngine.LlamaCpp);
        int at = ladder.ToList().IndexOf(best.Value.Weights);
        Assert.True(at > 0, "F16 (16 GB) cannot fit a 12 GB card");
        Assert.Equal(FitVerdict.FitsOnDevice, best.Value.Plan.Verdict);
        Assert.NotEqual(FitVerdict.FitsOnDevice, FitPlanner.Plan(Llama8B, options with { WeightsType = ladder[at - 1], GpuLayers = 33 }, fit).Verdict);
    }

    [Fact]
    public void The_most_sequences_fill_the_gpu_and_one_more_does_not_fit()
    {
        var fit = On("rtx-4090");
        var options = new InferenceOptions { ContextTokens = 8192 };
        int most = FitPlanner.MaxSequences(Llama8B, options, fit)!.Value;
        Assert.True(most > 1);
        // llama.cpp's -c is shared by the sequences: n sequences of 8192 tokens are -c 8192·n -np n.
        var over = FitPlanner.Plan(Llama8B, options with { Sequences = most + 1, ContextTokens = 8192 * (most + 1), GpuLayers = 33 }, fit);
        Assert.Equal(FitVerdict.DoesNotFit, over.Verdict);
    }

    [Fact]
    public void The_ranking_lists_devices_that_hold_the_model_fewest_first()
    {
        var ranked = FitPlanner.Rank(Llama70B, new InferenceOptions { ContextTokens = 8192 }, DeviceCatalog.All);
        Assert.NotEmpty(ranked);
        Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.Count <= p.Second.Count));
        Assert.All(ranked, r => Assert.Equal(FitVerdict.FitsOnDevice, r.Plan.Verdict));
        Assert.Contains(ranked, r => r.Device.Id == "rtx-4090" && r.Count == 2);
        Assert.DoesNotContain(ranked, r => r.Device.Id == "rtx-3060-12gb" && r.Count < 4);
    }

    [Fact]
    public void Zero_devices_and_a_nonpositive_ram_size_are_usage_errors()
    {
        var device = DeviceCatalog.Resolve("rtx-4090").Device;
        Assert.Throws<UsageException>(() => FitPlanner.Plan(Llama8B, new InferenceOptions(), new FitOptions(new DeviceSelection(device, 0))));
        Assert.Throws<UsageException>(() => FitPlanner.Plan(Llama8B, new InferenceOptions(), new FitOptions(new DeviceSelection(device, 1), HostRamBytes: 0)));
    }

    /// <summary>
    /// Found by the large-value property (tests/LlmSizer.Tests/Properties): transformers on an 8 GB Mac reported the CPU side's
    /// capacity as memory − GPU side − the OS's 4 GiB, which went negative (−357,913,941 B, −1/3 GiB) once the GPU side took its
    /// working-set share. As for llama.cpp, the capacity is what the GPU side leaves and the OS's share is the margin.
    /// </summary>
    [Fact]
    public void Transformers_on_a_small_mac_never_reports_a_negative_ram_capacity()
    {
        var mac = DeviceCatalog.Resolve("m1-8gb");
        var plan = FitPlanner.Plan(Llama8B, new InferenceOptions { Engine = InferenceEngine.Transformers, ContextTokens = 4096 }, new FitOptions(mac));
        var gpu = plan.Devices.Single(d => d.Device == "GPU");
        var cpu = plan.Devices.Single(d => d.Device == "CPU");
        Assert.Equal(mac.Device.MemoryBytes - gpu.UsedBytes, cpu.CapacityBytes);
        Assert.True(cpu.CapacityBytes > 0);
        Assert.Equal(FitOptions.UnifiedOsReserveBytes, cpu.MarginBytes);
        // 16 GB of bf16 weights: what the GPU side leaves, less the OS's share, cannot hold the rest.
        Assert.Equal(FitVerdict.DoesNotFit, plan.Verdict);
    }

    /// <summary>
    /// Found by the large-value property: a dense model of 10,000 layers of hidden size 2^20 in fp32 with a 10^7-token context needs
    /// more than 2^63 bytes; the planner (through the estimator) threw a bare OverflowException, now a usage error. Layers are
    /// now capped at 2,048: 64 sequences of that context (2 × 2,048 × 2^20 × 4 B = 17 GB of KV cache per token) pass 2^63.
    /// </summary>
    [Fact]
    public void Memory_beyond_a_64_bit_count_is_refused_with_a_sentence()
    {
        var spec = new LlmSizer.Models.ModelSpec
        {
            Architecture = "llama", VocabSize = 32_000, HiddenSize = 1 << 20, Layers = 2048, AttentionHeads = 4096, KeyValueHeads = 4096,
            FfnSize = 1 << 26, MaxContextTokens = 10_000_000,
        };
        var source = new ModelSource(new LlmSizer.Models.ResolvedModel("giant", "giant", LlmSizer.Models.ModelOrigin.Catalog, spec, []),
            null, ModelParameters.FromSpec(spec), [], []);
        var options = new InferenceOptions { Engine = InferenceEngine.Transformers, WeightsType = "F32", ContextTokens = 10_000_000, Sequences = 64 };
        var e = Assert.Throws<UsageException>(() => FitPlanner.Plan(source, options, On("h100")));
        Assert.Contains("need more than 2^63 bytes (9.2 × 10^18), beyond a 64-bit count", e.Message);
        Assert.Throws<UsageException>(() => InferenceEstimator.Estimate(source, options));
    }

    // Found by the fuzzer (fuzz/regressions/device): "l4*44444446" planned forty-four million GPUs and hung.
    [Fact]
    public void More_devices_than_one_model_is_ever_split_across_are_a_usage_error()
    {
        var e = Assert.Throws<UsageException>(() => FitPlanner.Plan(Llama8B, new InferenceOptions(), new FitOptions(DeviceCatalog.Resolve("l4*44444446"))));
        Assert.Equal("device count: expected 1 to 1,024 devices for one model, found 44,444,446", e.Message);
        Assert.Equal(FitVerdict.FitsOnDevice, FitPlanner.Plan(Llama8B, new InferenceOptions { Engine = InferenceEngine.Transformers }, new FitOptions(DeviceCatalog.Resolve("l4*1024"))).Verdict);
    }

    // llama.cpp's llama_max_devices() is 16 (src/llama.cpp; the tensor-split array it sizes): a 17-GPU llama.cpp plan cannot run.
    [Fact]
    public void Llama_cpp_spans_at_most_sixteen_devices()
    {
        Assert.Equal(FitVerdict.FitsOnDevice, FitPlanner.Plan(Llama70B, new InferenceOptions(), new FitOptions(DeviceCatalog.Resolve("rtx-3060-12gb", 16))).Verdict);
        var e = Assert.Throws<UsageException>(() => FitPlanner.Plan(Llama70B, new InferenceOptions(), new FitOptions(DeviceCatalog.Resolve("rtx-3060-12gb", 17))));
        Assert.Equal("llama.cpp uses at most 16 devices in one process (llama_max_devices), found 17; vLLM (--engine vllm) spans more", e.Message);
        Assert.Null(FitPlanner.MinDevices(ModelSource.Open("llama-3.1-405b"), new InferenceOptions { WeightsType = "F16" }, new FitOptions(DeviceCatalog.Resolve("rtx-3060-12gb"))));
    }

    // Found by the property Fit_plans_place_every_estimated_byte_on_a_device (seed 8MY2G0jCPTY3): transformers split the bytes
    // on the GPUs evenly with integer division, and four shares of 46,948,149,922 bytes lost 2.
    [Fact]
    public void Transformers_shares_on_several_gpus_add_up_to_the_estimate()
    {
        var plan = FitPlanner.Plan(ModelSource.Open("qwen2.5-0.5b"), new InferenceOptions { Engine = InferenceEngine.Transformers, ContextTokens = 19_749 },
            new FitOptions(DeviceCatalog.Resolve("m3-max-128gb", 3), HostRamBytes: 64L << 30));
        Assert.NotEqual(0, plan.Estimate.TotalBytes % 3); // a total that three GPUs cannot share evenly
        Assert.Equal(plan.Estimate.TotalBytes, plan.Devices.Sum(d => d.UsedBytes));
    }
}
