using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Speed;
using LlmSizer.Inference;
using LlmSizer.Models;
using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Hardware.Speed;

/// <summary>
/// The speed model's arithmetic on real architectures and datasheet devices (Fixtures/reference/speed-devices.tsv, each with
/// its source). Byte counts follow from ggml's block sizes and the models' configs; times from the documented constants.
/// </summary>
public sealed class SpeedEstimatorTests
{
    private static readonly DeviceSpec Rtx4090 = SpeedReferences.Devices["rtx-4090"];
    private static readonly DeviceSpec I7 = SpeedReferences.Devices["i7-8700-ddr4-2400"];

    // NVIDIA H100 datasheet: SXM NVLink 900 GB/s (both directions together, so 450 GB/s each way).
    private static readonly DeviceSpec H100Nvlink = SpeedReferences.Devices["h100-sxm"] with
    {
        Interconnect = "NVLink 4 (900 GB/s)", PeerLinkBytesPerSecond = 450e9,
    };

    private static ModelTraffic Traffic(string id, string type, WeightsContainer container = WeightsContainer.Gguf)
    {
        var spec = ModelCatalog.Find(id)!.Spec;
        return ModelTraffic.From(spec, WeightsPrediction.Predict(spec, type, container));
    }

    private static SpeedEstimate Run(ModelTraffic model, DeviceSpec device, SpeedPlacement? placement = null,
        SpeedWorkload? workload = null, int count = 1, InferenceEngine engine = InferenceEngine.LlamaCpp) =>
        SpeedEstimator.Estimate(model, engine, new SpeedHardware { Device = device, DeviceCount = count, Host = I7 },
            placement ?? SpeedPlacement.AllOnDevice, workload ?? new SpeedWorkload { ContextTokens = 64, HostSampling = false });

    private static readonly ModelTraffic Llama2 = Traffic("llama-2-7b", "Q4_0");

    // Llama-2-7B Q4_0: 32 blocks of 113,868,800 bytes, a 107,536,384-byte output layer, a 2,304-byte embedding row
    // (ggml: Q4_0 18 B / 32 values, Q6_K 210 B / 256); f16 KV: 32 layers × 2 × 4096 × 2 B = 524,288 bytes per cached token.
    private const long Llama2Weights = 32 * 113_868_800L + 107_536_384 + 2_304, Llama2KvPerToken = 524_288;

    [Fact]
    public void Decode_reads_every_block_the_head_one_embedding_row_and_the_kv_cache_at_the_context()
    {
        var e = Run(Llama2, Rtx4090);

        Assert.Equal(Llama2Weights + 64 * Llama2KvPerToken, e.BytesPerStep);
        Assert.Equal(e.BytesPerStep, e.BytesPerToken);
        Assert.Equal(SpeedBound.Memory, e.Bound);
    }

    [Fact]
    public void A_memory_bound_step_is_bytes_over_bandwidth_share_plus_the_per_layer_overhead()
    {
        var e = Run(Llama2, Rtx4090);
        var c = SpeedEfficiency.LlamaCppCuda;

        // 32 blocks and the output layer on the GPU; the 2,304-byte embedding lookup is counted in the bytes, not timed.
        double gpu = (Llama2Weights - 2_304 + 64.0 * Llama2KvPerToken) / (1008e9 * c.BandwidthShare) + 33 * c.LayerOverheadSeconds;
        Assert.Equal(gpu, e.DecodeStepSeconds, 12);
        Assert.Equal(1 / e.DecodeStepSeconds, e.DecodeTokensPerSecond, 9);
        Assert.Equal([c], e.Efficiencies);
        Assert.Equal("GPU", Assert.Single(e.Devices).Device);
    }

    [Fact]
    public void A_batch_multiplies_kv_reads_and_tokens_but_reads_the_weights_once()
    {
        var one = Run(Llama2, Rtx4090);
        var eight = Run(Llama2, Rtx4090, workload: new SpeedWorkload { ContextTokens = 64, Sequences = 8, HostSampling = false });

        Assert.Equal(Llama2Weights * 8 - 7 * (Llama2Weights - 2_304) + 8 * 64 * Llama2KvPerToken, eight.BytesPerStep);
        Assert.Equal(8 / eight.DecodeStepSeconds, eight.AggregateDecodeTokensPerSecond, 9);
        Assert.True(eight.AggregateDecodeTokensPerSecond > 7 * one.DecodeTokensPerSecond);
    }

    [Fact]
    public void A_large_batch_becomes_compute_bound()
    {
        // 512 sequences: 512 × 13.2 GFLOP per step on 660.6 TOPS × 0.28 is 37 ms, against 3.8 GB at 877 GB/s (4 ms).
        var e = Run(Llama2, Rtx4090, workload: new SpeedWorkload { ContextTokens = 64, Sequences = 512, HostSampling = false });

        Assert.Equal(SpeedBound.Compute, e.Bound);
    }

    [Fact]
    public void Moe_decode_reads_the_dense_part_and_only_the_experts_the_batch_touches()
    {
        // Qwen3-30B-A3B: E = 128 experts, k = 8 per token; one token touches 8, four tokens 128·(1 − (120/128)^4) ≈ 29.1.
        var spec = ModelCatalog.Find("qwen3-30b-a3b")!.Spec;
        var inventory = WeightsPrediction.Predict(spec, "Q4_K_M", WeightsContainer.Gguf);
        var traffic = ModelTraffic.From(spec, inventory);
        long experts = inventory.Tensors.Where(t => t.Name.Contains("_exps", StringComparison.Ordinal)).Sum(t => t.Bytes);
        long embedding = inventory.Tensors.Single(t => t.Name == "token_embd.weight").Bytes;
        long dense = inventory.Bytes - experts - embedding + embedding / spec.VocabSize;
        long kv = 48 * 2 * 4 * 128 * 2; // 48 layers × K and V × 4 KV heads × head_dim 128 × f16

        var one = SpeedEstimator.Estimate(traffic, InferenceEngine.LlamaCpp, new SpeedHardware { Device = Rtx4090 }, SpeedPlacement.AllOnDevice,
            new SpeedWorkload { ContextTokens = 100, HostSampling = false });
        var four = SpeedEstimator.Estimate(traffic, InferenceEngine.LlamaCpp, new SpeedHardware { Device = Rtx4090 }, SpeedPlacement.AllOnDevice,
            new SpeedWorkload { ContextTokens = 100, Sequences = 4, HostSampling = false });

        Assert.Equal(dense + experts * 8.0 / 128 + 100 * kv, one.BytesPerStep, 0);
        double touched = 128 * (1 - Math.Pow(120.0 / 128, 4));
        Assert.Equal(dense + 3 * (double)embedding / spec.VocabSize + experts * touched / 128 + 4 * 100 * kv, four.BytesPerStep, 0);
        Assert.Contains(four.Items, i => i.Name == "experts read per MoE layer per step" && Math.Abs(i.Value - touched) < 1e-9);
        Assert.Equal(8, traffic.Layers[0].ExpertsTouched(1), 12);
        Assert.Equal(128, traffic.Layers[0].ExpertsTouched(10_000), 6);
    }

    [Fact]
    public void Ngl_puts_the_output_layer_on_the_gpu_first_then_blocks_from_the_last_one_down()
    {
        // llama.cpp: blocks il >= n_layer + 1 − ngl and, for ngl >= 1, the output layer go to the GPU; the embedding stays on the CPU.
        long block = 113_868_800, output = 107_536_384, kv = 64 * Llama2KvPerToken / 32;

        var ngl1 = Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 1 });
        Assert.Equal(output, Device(ngl1, "GPU").DecodeBytes);
        Assert.Equal(32 * (block + kv) + 2_304, Device(ngl1, "CPU").DecodeBytes);

        var ngl17 = Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 17 });
        Assert.Equal(16 * (block + kv) + output, Device(ngl17, "GPU").DecodeBytes);
        Assert.Equal(16 * (block + kv) + 2_304, Device(ngl17, "CPU").DecodeBytes);

        var all = Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 99 });
        Assert.Equal(32 * (block + kv) + output, Device(all, "GPU").DecodeBytes);
        Assert.DoesNotContain(all.Devices, d => d.Device == "CPU");

        var none = Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 0 });
        Assert.DoesNotContain(none.Devices, d => d.Device == "GPU");
    }

    [Fact]
    public void Offloaded_layers_are_read_at_host_bandwidth_after_the_gpu_part()
    {
        var e = Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 17 });
        var cpu = Device(e, "CPU");

        Assert.Equal(cpu.DecodeBytes / (38.4e9 * SpeedEfficiency.LlamaCppCpu.BandwidthShare), cpu.DecodeSeconds, 12);
        Assert.Equal(e.Devices.Sum(d => d.DecodeSeconds), e.DecodeStepSeconds, 12);
        Assert.True(cpu.DecodeShare > 0.8, $"CPU share {cpu.DecodeShare:P0}: 16 blocks at 21.5 GB/s outweigh 16 at 877 GB/s");
    }

    [Fact]
    public void Experts_on_the_host_leave_attention_and_shared_weights_on_the_gpu()
    {
        var traffic = Traffic("qwen3-30b-a3b", "Q4_K_M");
        var e = Run(traffic, Rtx4090, new SpeedPlacement { CpuMoeLayers = 48 });

        double expertBytes = traffic.Layers.Sum(l => l.ExpertsTouched(1) * l.BytesPerExpert);
        Assert.Equal(expertBytes + traffic.InputBytesPerToken, Device(e, "CPU").DecodeBytes, 0);
        Assert.Contains(SpeedEfficiency.LlamaCppCpu, e.Efficiencies);
        Assert.Equal(traffic.Layers.Sum(l => l.DenseBytes + 64 * (l.KeyValuesPerToken + l.ValueValuesPerToken) * 2.0) + traffic.OutputReadBytes,
            Device(e, "GPU").DecodeBytes, 0);
    }

    [Fact]
    public void A_tensor_split_puts_the_given_layer_counts_on_each_gpu_in_order()
    {
        // --tensor-split 20,13 with -ngl 33: blocks 0–19 on GPU 0, blocks 20–31 and the output layer on GPU 1.
        var e = Run(Llama2, Rtx4090, new SpeedPlacement { TensorSplit = [20, 13] }, count: 2);
        long block = 113_868_800 + 64 * Llama2KvPerToken / 32;

        Assert.Equal(20 * block, Device(e, "GPU 0").DecodeBytes);
        Assert.Equal(12 * block + 107_536_384, Device(e, "GPU 1").DecodeBytes);
        var ex = Assert.Throws<UsageException>(() => Run(Llama2, Rtx4090, new SpeedPlacement { TensorSplit = [20, 12] }, count: 2));
        Assert.StartsWith("tensor split", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void N_cpu_moe_keeps_the_experts_of_the_first_blocks_in_system_ram()
    {
        // --n-cpu-moe 10 on Qwen3-30B-A3B: the routed experts of blocks 0–9 on the CPU, everything else on the GPU.
        var traffic = Traffic("qwen3-30b-a3b", "Q4_K_M");
        var e = Run(traffic, Rtx4090, new SpeedPlacement { CpuMoeLayers = 10 });

        double expected = traffic.Layers.Take(10).Sum(l => l.ExpertsTouched(1) * l.BytesPerExpert) + traffic.InputBytesPerToken;
        Assert.Equal(expected, Device(e, "CPU").DecodeBytes, 0);
    }

    [Fact]
    public void Layer_split_over_more_gpus_does_not_speed_up_one_sequence()
    {
        // XiongjieDai/GPU-Benchmarks-on-LLM-Inference, Llama 3 70B Q4_K_M tg1024 on 2, 4 and 8 RTX 4090s: 19.06, 18.83 and
        // 18.76 tok/s: the token walks through the GPUs one after another, so the step stays the same.
        var traffic = Traffic("llama-3-70b", "Q4_K_M");
        var two = Run(traffic, Rtx4090, count: 2);
        var eight = Run(traffic, Rtx4090, count: 8);

        Assert.Equal(two.DecodeStepSeconds, eight.DecodeStepSeconds, 12);
        Assert.Equal(8, eight.Devices.Count(d => d.Device.StartsWith("GPU ", StringComparison.Ordinal)));
        // llama.cpp's even split of 81 layers (80 blocks and the output) over 8 GPUs: layer il on GPU ⌊il · 8 / 81⌋, so GPU 0
        // holds blocks 0–10 with their KV cache and GPU 7 layers 71–80: blocks 71–79 and the output layer.
        double Blocks(int from, int count) => traffic.Layers.Skip(from).Take(count).Sum(l => l.DenseBytes + 64 * (l.KeyValuesPerToken + l.ValueValuesPerToken) * 2.0);
        Assert.Equal(Blocks(0, 11), Device(eight, "GPU 0").DecodeBytes, 0);
        Assert.Equal(Blocks(71, 9) + traffic.OutputReadBytes, Device(eight, "GPU 7").DecodeBytes, 0);
    }

    [Fact]
    public void Tensor_parallel_ranks_read_their_share_and_pay_two_all_reduces_per_layer()
    {
        var traffic = Traffic("llama-3-70b", "BF16", WeightsContainer.Safetensors);
        var tp = Run(traffic, H100Nvlink, new SpeedPlacement { Mode = MultiDeviceMode.TensorParallel }, count: 2, engine: InferenceEngine.Vllm);
        var split = Run(traffic, H100Nvlink, count: 2, engine: InferenceEngine.Vllm);

        // NCCL's ring/LL latency model: 6.6 µs + 2·(N−1)·0.6 µs per NVLink hop; 2 all-reduces × 80 layers of 8192 × 2 bytes.
        double allReduce = 2 * 80 * (6.6e-6 + 2 * 0.6e-6 + 1.0 * 8192 * 2 / 450e9);
        Assert.Equal(allReduce, tp.Items.Single(i => i.Name == "all-reduce per decode step").Value, 12);
        Assert.True(tp.DecodeStepSeconds < 0.6 * split.DecodeStepSeconds);
        Assert.Contains(SpeedEfficiency.VllmGpu, tp.Efficiencies);
    }

    [Fact]
    public void Llama_cpp_honours_gemma_2_windows_but_not_mistral_v0_1s()
    {
        // llama.cpp runs Gemma 2's 4096-token window (interleaved SWA) but gives Mistral 7B v0.1 full attention.
        var gemma = Traffic("gemma-2-9b", "Q4_K_M");
        var mistral = Traffic("mistral-7b", "Q4_K_M");
        var longContext = new SpeedWorkload { ContextTokens = 16_384, HostSampling = false };
        var shortContext = longContext with { ContextTokens = 4_096 };

        double KvGrowth(ModelTraffic t) => Run(t, Rtx4090, workload: longContext).BytesPerStep - Run(t, Rtx4090, workload: shortContext).BytesPerStep;
        double PerTokenAllLayers(ModelTraffic t) => t.Layers.Sum(l => (l.KeyValuesPerToken + l.ValueValuesPerToken) * 2.0);
        double PerTokenGlobal(ModelTraffic t) => t.Layers.Where(l => l.WindowTokens is null).Sum(l => (l.KeyValuesPerToken + l.ValueValuesPerToken) * 2.0);

        Assert.Equal(12_288 * PerTokenGlobal(gemma), KvGrowth(gemma), 0);
        Assert.Equal(12_288 * PerTokenAllLayers(mistral), KvGrowth(mistral), 0);
    }

    [Fact]
    public void Prefill_computes_two_flops_per_active_parameter_per_token_plus_causal_attention()
    {
        // 512 tokens: 4·H·d per query–key pair (QKᵀ and AV), T(T+1)/2 pairs per layer; logits for the last token only.
        var e = Run(Llama2, SpeedReferences.Devices["m1-max-32c"], workload: new SpeedWorkload { PromptTokens = 512, HostSampling = false });
        double matmul = 2.0 * 512 * Llama2.Layers.Sum(l => (double)l.DenseParameters) + 2.0 * Llama2.OutputParameters;
        double attention = 32 * (512 * 513 / 2.0) * 4 * 32 * 128;
        var metal = SpeedEfficiency.LlamaCppMetal;

        double expected = (matmul + attention) / (10.4e12 * metal.ComputeShare) + 33 * metal.LayerOverheadSeconds;
        Assert.Equal(expected, e.TimeToFirstTokenSeconds, 9);
        Assert.Equal(512 / e.TimeToFirstTokenSeconds, e.PrefillTokensPerSecond, 6);
        Assert.Equal(SpeedBound.Compute, e.PrefillBound);
        Assert.Equal(512 * 513 / 2.0, LayerTraffic.CausalPairs(512, null));
        Assert.Equal(100 * 101 / 2.0 + 412 * 100, LayerTraffic.CausalPairs(512, 100));
    }

    [Fact]
    public void Prefill_of_cpu_resident_layers_streams_their_weights_to_the_gpu()
    {
        // llama.cpp's op offload: a 512-token micro-batch runs the CPU layers' matrix products on the GPU, copying weights over PCIe.
        var hardware = new SpeedHardware { Device = Rtx4090, Host = I7, HostLinkBytesPerSecond = 7.88e9 };
        var e = SpeedEstimator.Estimate(Llama2, InferenceEngine.LlamaCpp, hardware, new SpeedPlacement { GpuLayers = 17 },
            new SpeedWorkload { PromptTokens = 512 });

        var cpu = Device(e, "CPU");
        Assert.True(cpu.PrefillSeconds >= 16 * 113_868_800 / 7.88e9);
        Assert.Contains(e.Notes, n => n.Contains("op offload", StringComparison.Ordinal));
    }

    [Fact]
    public void Host_sampling_adds_the_logits_copy_and_the_sampler_per_generated_token()
    {
        var bench = Run(Llama2, Rtx4090);
        var served = SpeedEstimator.Estimate(Llama2, InferenceEngine.LlamaCpp, new SpeedHardware { Device = Rtx4090, Host = I7 },
            SpeedPlacement.AllOnDevice, new SpeedWorkload { ContextTokens = 64 });

        double expected = 32000 * 4 / 31.5e9 + 32000 * SpeedEstimator.HostSecondsPerLogit;
        Assert.Equal(bench.DecodeStepSeconds + expected, served.DecodeStepSeconds, 12);
    }

    [Fact]
    public void Cpu_only_inference_reads_everything_at_host_bandwidth()
    {
        var e = SpeedEstimator.Estimate(Llama2, InferenceEngine.LlamaCpp, SpeedHardware.CpuOnly(I7), SpeedPlacement.AllOnDevice,
            new SpeedWorkload { ContextTokens = 64, HostSampling = false });

        var cpu = Assert.Single(e.Devices);
        Assert.Equal("CPU", cpu.Device);
        Assert.Equal(Llama2Weights + 64 * Llama2KvPerToken, cpu.DecodeBytes);
        Assert.Equal(cpu.DecodeBytes / (38.4e9 * SpeedEfficiency.LlamaCppCpu.BandwidthShare), e.DecodeStepSeconds, 12);
    }

    [Fact]
    public void Efficiency_follows_engine_and_device_class()
    {
        Assert.Same(SpeedEfficiency.LlamaCppMetal, SpeedEfficiency.For(InferenceEngine.LlamaCpp, SpeedReferences.Devices["m2-ultra-76c"]));
        Assert.Same(SpeedEfficiency.LlamaCppCudaHbm, SpeedEfficiency.For(InferenceEngine.LlamaCpp, SpeedReferences.Devices["h100-sxm"]));
        Assert.Same(SpeedEfficiency.LlamaCppCuda, SpeedEfficiency.For(InferenceEngine.LlamaCpp, Rtx4090));
        Assert.Same(SpeedEfficiency.LlamaCppCuda, SpeedEfficiency.For(InferenceEngine.LlamaCpp, SpeedReferences.Devices["dgx-spark"]));
        Assert.Same(SpeedEfficiency.LlamaCppCpu, SpeedEfficiency.For(InferenceEngine.Vllm, I7));
        Assert.Same(SpeedEfficiency.VllmGpu, SpeedEfficiency.For(InferenceEngine.Vllm, SpeedReferences.Devices["h100-sxm"]));
    }

    [Theory]
    [InlineData("h100", "llama.cpp · CUDA, HBM")]
    [InlineData("a100-80gb-pcie", "llama.cpp · CUDA, HBM")]
    [InlineData("mi300x", "llama.cpp · CUDA, HBM")]
    [InlineData("rtx-4090", "llama.cpp · CUDA, GDDR/LPDDR")]
    [InlineData("l40s", "llama.cpp · CUDA, GDDR/LPDDR")]
    [InlineData("m4-max-128gb", "llama.cpp · Metal")]
    [InlineData("ddr5-5600-2ch", "llama.cpp · CPU")]
    public void Catalog_devices_get_the_efficiency_of_their_memory_and_backend(string device, string platform) =>
        // The catalog records HBM parts' memory type from their datasheets (devices.json "memoryType").
        Assert.Equal(platform, SpeedEfficiency.For(InferenceEngine.LlamaCpp, LlmSizer.Hardware.DeviceCatalog.Resolve(device).Device).Platform);

    [Fact]
    public void Every_line_item_carries_a_formula_and_a_source()
    {
        var e = Run(Traffic("qwen3-30b-a3b", "Q4_K_M"), Rtx4090, new SpeedPlacement { GpuLayers = 30 },
            new SpeedWorkload { ContextTokens = 2048, Sequences = 2, PromptTokens = 1000 });

        Assert.NotEmpty(e.Items);
        Assert.All(e.Items, i => Assert.False(string.IsNullOrWhiteSpace(i.Formula) || string.IsNullOrWhiteSpace(i.Source), i.Name));
        Assert.Equal(e.DecodeStepSeconds, e.Items.Single(i => i.Name == "decode step").Value);
        Assert.Equal(1.0, e.Devices.Sum(d => d.DecodeShare) + e.Items.Where(i => i.Name == "host sampling per step").Sum(i => i.Value) / e.DecodeStepSeconds, 9);
    }

    [Theory]
    [InlineData(0, 64, 512, "sequences")]
    [InlineData(1, -1, 512, "context tokens")]
    [InlineData(1, 64, 0, "prompt tokens")]
    public void Bad_workloads_are_usage_errors_naming_the_field(int sequences, int context, int prompt, string field)
    {
        var ex = Assert.Throws<UsageException>(() => Run(Llama2, Rtx4090,
            workload: new SpeedWorkload { Sequences = sequences, ContextTokens = context, PromptTokens = prompt }));
        Assert.StartsWith(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Placements_an_engine_cannot_do_are_usage_errors()
    {
        Assert.Throws<UsageException>(() => Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 10 }, engine: InferenceEngine.Vllm));
        Assert.Throws<UsageException>(() => Run(Llama2, Rtx4090, new SpeedPlacement { GpuLayers = 10, Mode = MultiDeviceMode.TensorParallel }, count: 2));
        var noHost = new SpeedHardware { Device = Rtx4090 };
        var ex = Assert.Throws<UsageException>(() => SpeedEstimator.Estimate(Llama2, InferenceEngine.LlamaCpp, noHost,
            new SpeedPlacement { GpuLayers = 10 }, new SpeedWorkload()));
        Assert.Contains("host memory bandwidth", ex.Message, StringComparison.Ordinal);
    }

    private static DeviceTime Device(SpeedEstimate e, string name) => e.Devices.Single(d => d.Device == name);
}
