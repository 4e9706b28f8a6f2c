using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Inference;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Precision;

namespace LlmSizer.Hardware.Speed;

/// <summary>
/// A roofline speed model: every device's time is the larger of bytes read / (bandwidth × efficiency) and FLOPs /
/// (peak × efficiency), plus a fixed cost per layer; devices a token passes through one after another add up. Decode reads
/// the active weights (MoE: the experts the batch touches) and each sequence's KV cache; prefill computes 2 × active
/// parameters per prompt token plus causal attention and reads the weights once per micro-batch. docs/METHOD.md ("Speed")
/// gives every formula and constant. Pure and allocation-light: the fit planner calls it once per candidate placement.
/// </summary>
public static class SpeedEstimator
{
    /// <summary>llama.cpp hands a CPU-resident matrix product to the GPU (streaming its weights) from this many tokens on (ggml-backend's op offload).</summary>
    public const int OpOffloadMinBatch = 32;

    /// <summary>NCCL's tuning model for a ring all-reduce with the LL protocol: base latency and per-hop latency in seconds.</summary>
    private const double AllReduceBaseLatency = 6.6e-6, NvLinkHopLatency = 0.6e-6, PcieHopLatency = 1.0e-6;

    /// <summary>
    /// Host seconds per vocabulary entry per generated token in a serving loop (logits handed to the sampler chain,
    /// detokenised and streamed): llama-server timings of small models exceed the forward pass by this much.
    /// </summary>
    public const double HostSecondsPerLogit = 5.7e-9;

    private const string HostSamplingSource =
        "calibrated on InventiveHQ's llama-server run of Qwen2.5-Coder-0.5B Q4_K_M on an RTX 5060 Ti (381 tok/s: 0.9 ms per token beyond the forward pass " +
        "for a 151,936-entry vocabulary); the logits' copy over the host link is computed apart; llama-bench's tg test samples nothing";

    private const string AllReduceSource =
        "NVIDIA NCCL src/graph/tuning.cc latency model (ring, LL protocol: 6.6 µs base, 0.6 µs per NVLink hop, 1.0 µs per PCIe hop), " +
        "quoted in github.com/NVIDIA/nccl/issues/1334; nccl-tests issue #123 measures 10 µs for a 2-GPU DGX-A100 all-reduce of a few bytes";

    /// <summary>
    /// Decode and prefill speed of <paramref name="model"/> run by <paramref name="engine"/> on <paramref name="hardware"/> with
    /// its weights placed as <paramref name="placement"/> says. Bad settings are a <see cref="UsageException"/> naming the field.
    /// </summary>
    public static SpeedEstimate Estimate(
        ModelTraffic model, InferenceEngine engine, SpeedHardware hardware, SpeedPlacement placement, SpeedWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(workload);
        Validate(model, engine, hardware, placement, workload);

        var notes = new List<string>();
        var items = new List<SpeedItem>();
        var device = hardware.Device;
        int layers = model.Layers.Count;
        bool cpuOnly = device.Kind == DeviceKind.Cpu;
        int count = cpuOnly ? 1 : hardware.DeviceCount;
        bool tensorParallel = count > 1 && placement.Mode == MultiDeviceMode.TensorParallel;
        int gpuUnits = tensorParallel ? 1 : count;

        var deviceEfficiency = SpeedEfficiency.For(engine, device);
        var hostEfficiency = SpeedEfficiency.LlamaCppCpu;
        var precision = Precision(model, workload, deviceEfficiency);
        double? devicePeak = Peak(device, precision, notes, cpuOnly ? "CPU" : "GPU");

        // Where each layer's dense part, its experts and the output layer live (llama.cpp's -ngl rule).
        int ngl = cpuOnly ? 0 : Math.Clamp(placement.GpuLayers ?? layers + 1, 0, layers + 1);
        int gpuStart = Math.Max(layers + 1 - ngl, 0);
        int cpuMoe = Math.Clamp(placement.CpuMoeLayers ?? 0, 0, layers);
        bool hostComputes = !cpuOnly && (ngl < layers + 1 || cpuMoe > 0);

        // Units: the GPUs (one "rank" standing for all of them under tensor parallelism), then the host CPU; CPU-only: the CPU alone.
        var units = new Unit[cpuOnly ? 1 : gpuUnits + 1];
        for (int i = 0; i < gpuUnits; i++)
        {
            string name = cpuOnly ? "CPU" : tensorParallel ? $"GPU (each of {count} tensor-parallel ranks)" : count == 1 ? "GPU" : $"GPU {i}";
            units[i] = new Unit(name, device.BandwidthBytesPerSecond, devicePeak, deviceEfficiency, cpuOnly);
        }
        if (!cpuOnly)
            units[^1] = new Unit("CPU", hardware.HostBandwidth, hostComputes ? HostPeak(hardware, model, workload, notes) : null, hostEfficiency, true);
        var host = units[^1];
        if (hostComputes && hardware.Host is null && hardware.HostBandwidthBytesPerSecond is null)
            notes.Add($"the CPU part reads {device.Name}'s memory at the chip's full bandwidth; its CPU cores may reach less (give the host's own figure)");
        var gpuOf = GpuOfLayer(placement, layers, gpuStart, ngl, gpuUnits, tensorParallel);
        var denseAt = new Unit[layers];
        var expertsAt = new Unit[layers];
        for (int l = 0; l < layers; l++)
        {
            var at = cpuOnly || l < gpuStart ? host : units[gpuOf(l)];
            denseAt[l] = at;
            expertsAt[l] = l < cpuMoe ? host : at;
        }
        var outputAt = cpuOnly || ngl == 0 ? host : units[gpuOf(layers)];
        if (!cpuOnly && ngl < layers + 1)
            notes.Add($"-ngl {ngl}: {Math.Min(gpuStart, layers)} of {layers} blocks{(ngl == 0 ? " and the output layer" : "")} run on the CPU from system RAM, one after the other with the GPU part");

        var kvBytes = KvBytesPerLayer(model, workload);
        int sequences = workload.Sequences;
        long context = workload.ContextTokens;
        // llama.cpp attends within a sliding window only for the architectures whose graph uses one (Mistral v0.1: whole context).
        bool windows = engine != InferenceEngine.LlamaCpp || LlamaCppKvCache.UsesSlidingWindow(model.Spec);
        Decode(model, host, denseAt, expertsAt, outputAt, kvBytes, sequences, context, windows);
        Prefill(model, hardware, units, host, denseAt, expertsAt, outputAt, workload, engine, windows, notes);

        double allReduceDecode = 0, allReducePrefill = 0;
        if (tensorParallel)
        {
            foreach (var u in units[..gpuUnits])
                u.Divide(count);
            (allReduceDecode, allReducePrefill) = AllReduce(model, hardware, count, sequences, workload, items);
        }

        double sampling = workload.HostSampling ? HostSampling(model, hardware, outputAt, host, sequences, items) : 0;

        // Times per unit, then the step: units a token passes through one after another add.
        double step = allReduceDecode + sampling, prefill = allReducePrefill;
        foreach (var u in units)
        {
            u.Finish();
            step += u.DecodeSeconds;
            prefill += u.PrefillSeconds;
        }

        var busiest = units.Where(u => u.DecodeSeconds > 0).MaxBy(u => u.DecodeSeconds) ?? units[0];
        var busiestPrefill = units.Where(u => u.PrefillSeconds > 0).MaxBy(u => u.PrefillSeconds) ?? units[0];
        long bytesPerStep = (long)Math.Round(units.Sum(u => u.DecodeBytes * (u.IsHost ? 1 : tensorParallel ? count : 1)));
        double flopsPerStep = units.Sum(u => u.DecodeFlops * (u.IsHost ? 1 : tensorParallel ? count : 1));

        AddItems(items, model, units, tensorParallel ? count : 1, workload, precision, step, prefill, allReduceDecode + sampling);
        var devices = units.Where(u => u.DecodeSeconds > 0 || u.PrefillSeconds > 0)
            .Select(u => new DeviceTime(u.Name, (long)Math.Round(u.DecodeBytes), u.DecodeFlops, u.DecodeSeconds, u.DecodeBound,
                u.PrefillSeconds, u.PrefillBound, step > 0 ? u.DecodeSeconds / step : 0))
            .ToList();
        var efficiencies = units.Where(u => u.DecodeSeconds > 0 || u.PrefillSeconds > 0).Select(u => u.Efficiency).Distinct().ToList();

        return new SpeedEstimate(
            DecodeTokensPerSecond: 1 / step,
            AggregateDecodeTokensPerSecond: sequences / step,
            PrefillTokensPerSecond: workload.PromptTokens / prefill,
            TimeToFirstTokenSeconds: prefill,
            DecodeStepSeconds: step,
            Bound: busiest.DecodeBound,
            PrefillBound: busiestPrefill.PrefillBound,
            BytesPerStep: bytesPerStep,
            BytesPerToken: bytesPerStep / sequences,
            FlopsPerToken: flopsPerStep / sequences,
            Devices: devices,
            Items: items,
            Efficiencies: efficiencies,
            Notes: notes);
    }

    /// <summary>
    /// The GPU of llama.cpp layer <c>il</c> (the output layer is <c>il = layers</c>): the <c>--tensor-split</c> ranges in order,
    /// else llama-model.cpp's even split ⌊(il − first) · n / ngl⌋.
    /// </summary>
    private static Func<int, int> GpuOfLayer(SpeedPlacement placement, int layers, int first, int ngl, int gpus, bool tensorParallel)
    {
        if (tensorParallel || gpus == 1 || ngl == 0)
            return _ => 0;
        if (placement.TensorSplit is not { } split)
            return il => (int)Math.Min((long)(il - first) * gpus / ngl, gpus - 1);
        var ends = new int[split.Count];
        for (int d = 0, sum = first; d < split.Count; d++)
            ends[d] = sum += split[d];
        return il =>
        {
            for (int d = 0; d < ends.Length; d++)
                if (il < ends[d])
                    return d;
            return ends.Length - 1;
        };
    }

    private static void Validate(ModelTraffic model, InferenceEngine engine, SpeedHardware hardware, SpeedPlacement placement, SpeedWorkload w)
    {
        if (w.Sequences < 1)
            throw new UsageException($"sequences: expected at least 1, found {w.Sequences}");
        if (w.ContextTokens < 0)
            throw new UsageException($"context tokens: expected 0 or more tokens already in the cache, found {w.ContextTokens}");
        if (w.PromptTokens < 1)
            throw new UsageException($"prompt tokens: expected at least 1, found {w.PromptTokens}");
        if (w.MicroBatchTokens < 1)
            throw new UsageException($"micro-batch: expected at least 1 token, found {w.MicroBatchTokens}");
        if (w.KvBytesPerToken is < 0)
            throw new UsageException($"KV bytes per token: expected 0 or more, found {w.KvBytesPerToken}");
        if (hardware.DeviceCount < 1)
            throw new UsageException($"device count: expected at least 1, found {hardware.DeviceCount}");
        if (!(hardware.Device.BandwidthBytesPerSecond > 0))
            throw new UsageException($"{hardware.Device.Name}: memory bandwidth must be positive, found {hardware.Device.BandwidthBytesPerSecond}");
        if (hardware.HostBandwidthBytesPerSecond is { } hb && !(hb > 0))
            throw new UsageException($"host memory bandwidth: expected a positive number of bytes per second, found {hb}");
        if (hardware.HostLinkBytesPerSecond is { } hl && !(hl > 0))
            throw new UsageException($"host link bandwidth: expected a positive number of bytes per second, found {hl}");
        if (placement.GpuLayers is < 0)
            throw new UsageException($"GPU layers (-ngl): expected 0 or more, found {placement.GpuLayers}");
        if (model.Layers.Count == 0)
            throw new UsageException("the model has no layers to estimate");

        if (placement.CpuMoeLayers is < 0)
            throw new UsageException($"CPU MoE layers (--n-cpu-moe): expected 0 or more, found {placement.CpuMoeLayers}");

        int layers = model.Layers.Count;
        bool partial = placement.GpuLayers is { } ngl && ngl < layers + 1;
        bool expertsOnHost = placement.CpuMoeLayers is > 0;
        if (engine != InferenceEngine.LlamaCpp && (partial || expertsOnHost))
            throw new UsageException($"{engine}: keeps every layer on the GPUs; GPU layers (-ngl) and experts on the host (--n-cpu-moe) are llama.cpp placements");
        if (hardware.DeviceCount > 1 && placement.Mode == MultiDeviceMode.TensorParallel && (partial || expertsOnHost))
            throw new UsageException("tensor parallelism splits every layer across the GPUs; it cannot be combined with layers or experts on the host");
        if (hardware.Device.Kind != DeviceKind.Cpu && (partial || expertsOnHost) && hardware.HostBandwidth is null)
            throw new UsageException(
                $"host memory bandwidth: needed because {(expertsOnHost ? "routed experts" : "some layers")} stay in system RAM; give the host CPU or its bandwidth in bytes per second");
        if (placement.TensorSplit is { } split)
        {
            int onGpus = Math.Clamp(placement.GpuLayers ?? layers + 1, 0, layers + 1);
            if (split.Count != hardware.DeviceCount || split.Any(n => n < 0) || split.Sum() != onGpus)
                throw new UsageException(
                    $"tensor split: expected {hardware.DeviceCount} non-negative layer counts summing to the {onGpus} GPU layers, found [{string.Join(", ", split)}]");
        }
    }

    /// <summary>
    /// Reads per decode step: each block's dense part, the experts the batch touches, every sequence's KV cache at the
    /// context (capped by sliding windows), the output layer, and the token lookups on the host.
    /// </summary>
    private static void Decode(ModelTraffic model, Unit host, Unit[] denseAt, Unit[] expertsAt, Unit outputAt,
        double[] kvBytes, int sequences, long context, bool windows)
    {
        for (int l = 0; l < model.Layers.Count; l++)
        {
            var layer = model.Layers[l];
            long attended = windows ? layer.AttendedTokens(context) : context;
            var d = denseAt[l];
            d.DecodeBytes += layer.DenseBytes + sequences * attended * kvBytes[l];
            d.DecodeKvBytes += sequences * attended * kvBytes[l];
            d.DecodeFlops += sequences * (2.0 * layer.DenseParameters + (double)attended * layer.AttentionFlopsPerContextToken);
            d.Visits++;
            if (layer.Experts == 0)
                continue;
            var e = expertsAt[l];
            e.DecodeBytes += layer.ExpertsTouched(sequences) * layer.BytesPerExpert;
            e.DecodeFlops += sequences * 2.0 * layer.ExpertParameters * layer.ExpertsPerToken / layer.Experts;
            if (!ReferenceEquals(e, d))
                e.Visits++;
        }
        outputAt.DecodeBytes += model.OutputReadBytes;
        outputAt.DecodeFlops += sequences * 2.0 * model.OutputParameters;
        outputAt.Visits++;
        host.DecodeBytes += (double)sequences * model.InputBytesPerToken;
    }

    /// <summary>
    /// One prompt: 2 × active parameters FLOPs per token plus causal attention, weights read once per micro-batch, logits for
    /// the last token only. With a discrete GPU llama.cpp computes CPU-resident layers on the GPU from 32 tokens on,
    /// streaming their weights over the host link (op offload); otherwise the CPU computes them.
    /// </summary>
    private static void Prefill(ModelTraffic model, SpeedHardware hardware, Unit[] units, Unit host, Unit[] denseAt, Unit[] expertsAt,
        Unit outputAt, SpeedWorkload workload, InferenceEngine engine, bool windows, List<string> notes)
    {
        long tokens = workload.PromptTokens;
        int ubatch = Math.Min(workload.MicroBatchTokens, workload.PromptTokens);
        long passes = (tokens + ubatch - 1) / ubatch;
        foreach (var u in units)
            u.Passes = passes;
        for (int l = 0; l < model.Layers.Count; l++)
        {
            var layer = model.Layers[l];
            var d = denseAt[l];
            d.PrefillBytesPerPass += layer.DenseBytes;
            d.PrefillFlops += 2.0 * layer.DenseParameters * tokens + LayerTraffic.CausalPairs(tokens, windows ? layer.WindowTokens : null) * layer.AttentionFlopsPerContextToken;
            if (layer.Experts == 0)
                continue;
            var e = expertsAt[l];
            e.PrefillBytesPerPass += layer.ExpertsTouched(ubatch) * layer.BytesPerExpert;
            e.PrefillFlops += 2.0 * tokens * layer.ExpertParameters * layer.ExpertsPerToken / layer.Experts;
        }
        outputAt.PrefillBytesPerPass += model.OutputReadBytes / (double)passes;
        outputAt.PrefillFlops += 2.0 * model.OutputParameters;

        if (units.Length == 1 || host.PrefillFlops == 0) // CPU-only, or nothing computed on the host
            return;
        var gpu = units[0];
        bool discrete = hardware.Device.Kind == DeviceKind.Gpu;
        if (discrete && engine == InferenceEngine.LlamaCpp && ubatch >= OpOffloadMinBatch && hardware.HostLink is { } link)
        {
            host.StreamedTo = gpu;
            host.LinkBandwidth = link;
            notes.Add($"prefill: llama.cpp runs the CPU-resident matrix products of each {ubatch}-token micro-batch on the GPU, copying their weights over the host link ({Gbps(link)}) every pass (op offload)");
        }
        else if (discrete && ubatch >= OpOffloadMinBatch && engine == InferenceEngine.LlamaCpp)
            notes.Add("prefill: the host link bandwidth is unknown, so the CPU-resident layers are computed on the CPU instead of being streamed to the GPU");
    }

    /// <summary>
    /// Tensor parallelism: two all-reduces per layer (after attention and after the MLP) of the batch's activations in 16 bits,
    /// each latency + 2(N−1)/N × bytes / peer bandwidth (ring).
    /// </summary>
    private static (double Decode, double Prefill) AllReduce(ModelTraffic model, SpeedHardware hardware, int ranks, int sequences, SpeedWorkload workload, List<SpeedItem> items)
    {
        var device = hardware.Device;
        bool nvlink = device.Interconnect.Contains("NVLink", StringComparison.OrdinalIgnoreCase);
        double latency = AllReduceBaseLatency + 2 * (ranks - 1) * (nvlink ? NvLinkHopLatency : PcieHopLatency);
        double peer = device.PeerLinkBytesPerSecond ?? device.HostLinkBytesPerSecond
            ?? throw new UsageException($"{device.Name}: tensor parallelism needs the peer (or host) link bandwidth, which the device entry does not give");
        int calls = 2 * model.Layers.Count;
        double hidden = model.Spec.HiddenSize;
        double decodeMessage = sequences * hidden * 2;
        double prefillMessage = workload.PromptTokens * hidden * 2;
        int ubatch = Math.Min(workload.MicroBatchTokens, workload.PromptTokens);
        long passes = (workload.PromptTokens + ubatch - 1) / ubatch;
        double ring = 2.0 * (ranks - 1) / ranks;
        double decode = calls * (latency + ring * decodeMessage / peer);
        double prefill = calls * (passes * latency + ring * prefillMessage / peer);
        items.Add(new SpeedItem("all-reduce per decode step", decode, "s",
            $"2 per layer × {model.Layers.Count} layers × ({Us(latency)} + 2·({ranks}−1)/{ranks} × {sequences} × {hidden:0} × 2 B / {Gbps(peer)})",
            [new("ranks", ranks.ToString(CultureInfo.InvariantCulture)), new("link", nvlink ? "NVLink" : "PCIe"), new("peer bandwidth", Gbps(peer))],
            AllReduceSource, "GPU"));
        return (decode, prefill);
    }

    /// <summary>
    /// A serving loop's host work per generated token: the logits (vocabulary × 4 bytes) cross the host link when the output
    /// layer is on a discrete GPU, then the sampler runs over them on the CPU.
    /// </summary>
    private static double HostSampling(ModelTraffic model, SpeedHardware hardware, Unit outputAt, Unit host, int sequences, List<SpeedItem> items)
    {
        long vocab = model.Spec.VocabSize;
        bool copied = hardware.Device.Kind == DeviceKind.Gpu && !ReferenceEquals(outputAt, host) && hardware.HostLink is not null;
        double copy = copied ? sequences * vocab * 4.0 / hardware.HostLink!.Value : 0;
        double sample = sequences * vocab * HostSecondsPerLogit;
        items.Add(new SpeedItem("host sampling per step", copy + sample, "s",
            $"{sequences} × {vocab:N0} logits × ({(copied ? $"4 B / {Gbps(hardware.HostLink!.Value)} + " : "")}{HostSecondsPerLogit * 1e9:0.#} ns) = {Ms(copy + sample)}",
            [new("vocabulary", vocab.ToString("N0", CultureInfo.InvariantCulture)), new("sequences", sequences.ToString(CultureInfo.InvariantCulture))],
            HostSamplingSource, "CPU"));
        return copy + sample;
    }

    /// <summary>KV bytes per cached token for each layer: K and V rows in their cache types, or the override spread by width.</summary>
    private static double[] KvBytesPerLayer(ModelTraffic model, SpeedWorkload w)
    {
        var result = new double[model.Layers.Count];
        if (w.KvBytesPerToken is { } total)
        {
            double widths = model.Layers.Sum(l => (double)(l.KeyValuesPerToken + l.ValueValuesPerToken));
            for (int i = 0; i < result.Length; i++)
                result[i] = widths == 0 ? 0 : total * (model.Layers[i].KeyValuesPerToken + model.Layers[i].ValueValuesPerToken) / widths;
            return result;
        }
        for (int i = 0; i < result.Length; i++)
        {
            var l = model.Layers[i];
            result[i] = l.KeyValuesPerToken * w.KeyType.BitsPerValue / 8 + l.ValueValuesPerToken * w.ValueType.BitsPerValue / 8;
        }
        return result;
    }

    /// <summary>
    /// The roof matrix products run at: as asked, else the platform's for block-quantized weights (llama.cpp CUDA and CPU: INT8
    /// dot products; Metal: FP16), FP8 for FP8 checkpoints, INT8 for INT8 ones, FP16 for everything else (W4A16 formats dequantize).
    /// </summary>
    private static ComputePrecision Precision(ModelTraffic model, SpeedWorkload workload, SpeedEfficiency efficiency)
    {
        if (workload.Precision is { } asked)
            return asked;
        string type = model.WeightsType.ToUpperInvariant();
        if (GgmlType.FromName(model.WeightsType) is { BlockElements: > 1 })
            return efficiency.QuantizedPrecision;
        if (type.StartsWith("F8", StringComparison.Ordinal))
            return ComputePrecision.Fp8;
        return type == "I8" ? ComputePrecision.Int8 : ComputePrecision.Fp16;
    }

    /// <summary>The device's throughput at <paramref name="precision"/>, falling back to FP16 (with a note) where the figure is missing.</summary>
    private static double? Peak(DeviceSpec device, ComputePrecision precision, List<string> notes, string role)
    {
        double? peak = precision switch
        {
            ComputePrecision.Fp8 => device.Fp8Flops,
            ComputePrecision.Int8 => device.Int8Ops,
            _ => device.Fp16Flops,
        };
        if (peak is > 0)
            return peak;
        if (precision != ComputePrecision.Fp16 && device.Fp16Flops > 0)
        {
            notes.Add($"{role} {device.Name}: no {precision} throughput given, FP16's {Tflops(device.Fp16Flops)} used as the compute roof");
            return device.Fp16Flops;
        }
        notes.Add($"{role} {device.Name}: no compute throughput given, so only memory bounds its time");
        return null;
    }

    private static double? HostPeak(SpeedHardware hardware, ModelTraffic model, SpeedWorkload workload, List<string> notes) =>
        hardware.Host is { } cpu ? Peak(cpu, Precision(model, workload, SpeedEfficiency.LlamaCppCpu), notes, "CPU") : null;

    private static void AddItems(List<SpeedItem> items, ModelTraffic model, Unit[] units, int ranks, SpeedWorkload w,
        ComputePrecision precision, double step, double prefill, double extra)
    {
        var first = model.Layers.FirstOrDefault(l => l.Experts > 0);
        if (first is not null)
            items.Insert(0, new SpeedItem("experts read per MoE layer per step", first.ExpertsTouched(w.Sequences), "experts",
                $"E·(1 − (1 − k/E)^B) = {first.Experts}·(1 − (1 − {first.ExpertsPerToken}/{first.Experts})^{w.Sequences})",
                [new("E (routed experts)", first.Experts.ToString(CultureInfo.InvariantCulture)), new("k (experts per token)", first.ExpertsPerToken.ToString(CultureInfo.InvariantCulture)), new("B (sequences)", w.Sequences.ToString(CultureInfo.InvariantCulture))],
                "expected distinct experts when each of B tokens draws k of E independently and uniformly (balanced routing)"));

        foreach (var u in units.Where(u => u.DecodeSeconds > 0 || u.PrefillSeconds > 0))
        {
            var e = u.Efficiency;
            string bw = u.Bandwidth is { } b ? Gbps(b) : "unknown";
            var inputs = new List<EstimateInput>
            {
                new("bandwidth", bw), new("bandwidth share", e.BandwidthShare.ToString("0.00", CultureInfo.InvariantCulture)),
                new("peak", u.Peak is { } p ? $"{Tflops(p)} ({precision})" : "unknown"), new("compute share", e.ComputeShare.ToString("0.00", CultureInfo.InvariantCulture)),
                new("overhead per layer", Us(e.LayerOverheadSeconds)), new("layers here", u.Visits.ToString(CultureInfo.InvariantCulture)),
            };
            string scale = ranks > 1 && !u.IsHost ? $" (1/{ranks} of the model per rank)" : "";
            items.Add(new SpeedItem("bytes read per decode step", u.DecodeBytes, "bytes",
                $"weights {Gb(u.DecodeBytes - u.DecodeKvBytes)} + KV cache {Gb(u.DecodeKvBytes)} at {w.ContextTokens} tokens × {w.Sequences} sequences{scale}",
                inputs, "weights as stored in the engine's file; KV rows in the cache types", u.Name));
            items.Add(new SpeedItem("decode time per step", u.DecodeSeconds, "s",
                $"max({Gb(u.DecodeBytes)} / ({bw} × {e.BandwidthShare:0.00}), {Gflop(u.DecodeFlops)} / ({(u.Peak is { } pk ? Tflops(pk) : "?")} × {e.ComputeShare:0.00})) + {u.Visits} × {Us(e.LayerOverheadSeconds)} = {Ms(u.DecodeSeconds)} ({u.DecodeBound}-bound)",
                inputs, $"{e.Platform}: {e.Source}", u.Name));
            // Layers streamed to the GPU for prefill run at the GPU's efficiency.
            var prefillEfficiency = u.StreamedTo?.Efficiency ?? e;
            if (u.PrefillSeconds > 0)
                items.Add(new SpeedItem("prefill time", u.PrefillSeconds, "s", u.PrefillFormula, inputs, $"{prefillEfficiency.Platform}: {prefillEfficiency.Source}", u.Name));
        }
        items.Add(new SpeedItem("decode step", step, "s",
            $"Σ device times{(extra > 0 ? " + all-reduce and host sampling" : "")} = {Ms(step)} (devices a token passes through one after another add)", [], "roofline per device; sequential devices add"));
        items.Add(new SpeedItem("decode tokens/s per sequence", 1 / step, "tokens/s", $"1 / {Ms(step)}", [], "definition"));
        items.Add(new SpeedItem("decode tokens/s, all sequences", w.Sequences / step, "tokens/s", $"{w.Sequences} / {Ms(step)}", [], "definition"));
        items.Add(new SpeedItem("time to first token", prefill, "s", $"prefill of {w.PromptTokens} prompt tokens = {Ms(prefill)}", [], "prefill time (sampling and tokenization left out)"));
        items.Add(new SpeedItem("prefill tokens/s", w.PromptTokens / prefill, "tokens/s", $"{w.PromptTokens} / {Ms(prefill)}", [], "definition"));
    }

    private static string Gb(double bytes) => (bytes / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " GB";
    private static string Gbps(double bytes) => (bytes / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " GB/s";
    private static string Tflops(double flops) => (flops / 1e12).ToString("0.##", CultureInfo.InvariantCulture) + " TFLOPS";
    private static string Gflop(double flops) => (flops / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + " GFLOP";
    private static string Ms(double seconds) => (seconds * 1e3).ToString("0.###", CultureInfo.InvariantCulture) + " ms";
    private static string Us(double seconds) => (seconds * 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " µs";

    /// <summary>One device's accumulated work and, once finished, its times.</summary>
    private sealed class Unit(string name, double? bandwidth, double? peak, SpeedEfficiency efficiency, bool isHost)
    {
        public string Name { get; } = name;
        public double? Bandwidth { get; } = bandwidth;
        public double? Peak { get; } = peak;
        public SpeedEfficiency Efficiency { get; } = efficiency;
        public bool IsHost { get; } = isHost;

        public double DecodeBytes, DecodeKvBytes, DecodeFlops;
        public int Visits;
        public double PrefillBytesPerPass, PrefillFlops;
        public long Passes = 1;

        /// <summary>Set when llama.cpp streams this (host) unit's weights to the GPU for prefill.</summary>
        public Unit? StreamedTo;
        public double LinkBandwidth;

        public double DecodeSeconds, PrefillSeconds;
        public SpeedBound DecodeBound, PrefillBound;
        public string PrefillFormula = "";

        public void Divide(int ranks)
        {
            DecodeBytes /= ranks;
            DecodeKvBytes /= ranks;
            DecodeFlops /= ranks;
            PrefillBytesPerPass /= ranks;
            PrefillFlops /= ranks;
        }

        public void Finish()
        {
            var e = Efficiency;
            double memory = Bandwidth is { } bw ? DecodeBytes / (bw * e.BandwidthShare) : 0;
            double compute = Peak is { } pk ? DecodeFlops / (pk * e.ComputeShare) : 0;
            DecodeBound = compute > memory ? SpeedBound.Compute : SpeedBound.Memory;
            // A host holding no layer only looks up one embedding row per token: counted in the bytes, its time is negligible.
            DecodeSeconds = Visits == 0 ? 0 : Math.Max(memory, compute) + Visits * e.LayerOverheadSeconds;

            if (PrefillFlops == 0 && PrefillBytesPerPass == 0)
                return;
            if (StreamedTo is { } gpu)
            {
                // Op offload: the GPU computes, the weights cross the host link once per micro-batch.
                var g = gpu.Efficiency;
                double link = Passes * PrefillBytesPerPass / LinkBandwidth;
                double onGpu = gpu.Peak is { } gp ? PrefillFlops / (gp * g.ComputeShare) : 0;
                PrefillBound = onGpu > link ? SpeedBound.Compute : SpeedBound.Memory;
                PrefillSeconds = Math.Max(link, onGpu) + Passes * Visits * g.LayerOverheadSeconds;
                PrefillFormula = $"max({Passes} passes × {Gb(PrefillBytesPerPass)} / {Gbps(LinkBandwidth)} host link, {Gflop(PrefillFlops)} on the GPU / ({(gpu.Peak is { } p1 ? Tflops(p1) : "?")} × {g.ComputeShare:0.00})) + {Passes} × {Visits} × {Us(g.LayerOverheadSeconds)} = {Ms(PrefillSeconds)}";
                return;
            }
            double read = Bandwidth is { } b ? Passes * PrefillBytesPerPass / (b * e.BandwidthShare) : 0;
            double math = Peak is { } p ? PrefillFlops / (p * e.ComputeShare) : 0;
            PrefillBound = math > read ? SpeedBound.Compute : SpeedBound.Memory;
            PrefillSeconds = Math.Max(read, math) + Passes * Visits * e.LayerOverheadSeconds;
            PrefillFormula = $"max({Passes} passes × {Gb(PrefillBytesPerPass)} / ({(Bandwidth is { } b2 ? Gbps(b2) : "?")} × {e.BandwidthShare:0.00}), {Gflop(PrefillFlops)} / ({(Peak is { } p2 ? Tflops(p2) : "?")} × {e.ComputeShare:0.00})) + {Passes} × {Visits} × {Us(e.LayerOverheadSeconds)} = {Ms(PrefillSeconds)}";
        }
    }
}
