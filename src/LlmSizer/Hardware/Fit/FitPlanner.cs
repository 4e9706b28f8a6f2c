using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Inference;
using LlmSizer.Units;

namespace LlmSizer.Hardware.Fit;

/// <summary>
/// Decides how a model runs on given hardware, per engine, from the engine's own memory estimate:
/// <list type="bullet">
/// <item>llama.cpp: all layers on the GPUs if every GPU keeps its margin free; else the most layers that fit (<c>-ngl</c>,
/// searched), the rest in system RAM; layers split over several GPUs as llama.cpp splits them. A CPU device runs everything from
/// RAM; a unified-memory device's GPU side is capped by its working-set limit and both sides share one pool.</item>
/// <item>vLLM: the smallest tensor-parallel size whose KV cache holds one sequence of the context (vLLM refuses to start
/// otherwise); vLLM does not offload.</item>
/// <item>transformers: the whole model over the GPUs (Accelerate's <c>device_map="auto"</c>), the remainder offloaded to RAM.</item>
/// </list>
/// Pure: the same inputs give the same plan.
/// </summary>
public static class FitPlanner
{
    /// <summary>The plan for <paramref name="source"/> run with <paramref name="options"/> on <paramref name="fit"/>'s hardware.</summary>
    public static FitPlan Plan(ModelSource source, InferenceOptions options, FitOptions fit)
    {
        Validate(source, fit);
        return options.Engine switch
        {
            InferenceEngine.LlamaCpp => PlanLlamaCpp(new LlamaCppFit(source, options), source, options, fit, searchContext: true),
            InferenceEngine.Vllm => PlanVllm(source, options, fit),
            _ => PlanTransformers(source, options, fit, searchContext: true),
        };
    }

    private static void Validate(ModelSource source, FitOptions fit)
    {
        if (source.Model.Spec is null)
            throw new UsageException($"{source.Model.Id}: its architecture is not one LlmSizer maps, so its memory (and fit) cannot be estimated");
        if (fit.Devices.Count < 1)
            throw new UsageException($"device count: expected at least 1, found {fit.Devices.Count}");
        if (fit.HostRamBytes is <= 0)
            throw new UsageException($"--ram: expected a positive size, found {fit.HostRamBytes} bytes");
        if (fit.MarginBytes is < 0)
            throw new UsageException($"--margin: expected 0 or more bytes, found {fit.MarginBytes}");
    }

    /// <summary>
    /// The most sequences (llama.cpp <c>-np</c>, concurrent requests) of the options' context each that fit entirely on the
    /// device(s); null when one does not. For llama.cpp the options' context is per sequence here (its <c>-c</c> is then that
    /// times the sequences).
    /// </summary>
    public static int? MaxSequences(ModelSource source, InferenceOptions options, FitOptions fit, int limit = 256)
    {
        Validate(source, fit);
        if (options.Engine == InferenceEngine.Vllm)
        {
            var plan = PlanVllm(source, options, fit);
            return plan.Fits && plan.Estimate.MaxConcurrency is { } c ? (int)Math.Min(limit, Math.Floor(c)) : null;
        }
        // llama.cpp's -c is the context of all sequences together, each getting -c / -np: n sequences of a context need n times it.
        int context = options.ContextTokens ?? InferenceEstimator.Estimate(source, options).ContextTokens;
        bool Fits(int sequences) => Quick(source, options with
        {
            Sequences = sequences,
            ContextTokens = options.Engine == InferenceEngine.LlamaCpp ? checked(context * sequences) : context,
        }, fit) == FitVerdict.FitsOnDevice;
        return LargestWhere(1, limit, Fits);
    }

    /// <summary>The fewest devices of <paramref name="fit"/>'s kind (up to <paramref name="limit"/>) on which the model fits entirely; null when even that many are not enough.</summary>
    public static int? MinDevices(ModelSource source, InferenceOptions options, FitOptions fit, int limit = 64)
    {
        Validate(source, fit);
        if (fit.Devices.Device.Kind == DeviceKind.Cpu)
            return Quick(source, options, fit) == FitVerdict.FitsOnDevice ? 1 : null;
        var placements = options.Engine == InferenceEngine.LlamaCpp ? new LlamaCppFit(source, options) : null;
        for (int n = 1; n <= limit; n = options.Engine == InferenceEngine.Vllm ? n * 2 : n + 1)
        {
            var at = fit with { Devices = fit.Devices with { Count = n } };
            var verdict = placements is not null
                ? PlanLlamaCpp(placements, source, options, at, searchContext: false).Verdict
                : Quick(source, options, at);
            if (verdict == FitVerdict.FitsOnDevice)
                return n;
        }
        return null;
    }

    /// <summary>
    /// The highest-quality weights of <paramref name="candidates"/> (best first; default: the engine's usual ladder, see
    /// <see cref="QualityLadder"/>) that fit entirely on the device(s) at the options' context, with their plan; null when none does.
    /// </summary>
    public static (string Weights, FitPlan Plan)? BestWeights(ModelSource source, InferenceOptions options, FitOptions fit, IEnumerable<string>? candidates = null)
    {
        Validate(source, fit);
        foreach (string weights in candidates ?? QualityLadder(options.Engine))
        {
            var o = options with { WeightsType = weights };
            if (Quick(source, o, fit) == FitVerdict.FitsOnDevice)
                return (weights, Plan(source, o, fit));
        }
        return null;
    }

    /// <summary>
    /// Weight types from best to worst quality as users choose them: llama.cpp's mixes by perplexity (F16, Q8_0, Q6_K, Q5_K_M,
    /// Q5_K_S, Q4_K_M, Q4_K_S, IQ4_XS, Q3_K_L, Q3_K_M, IQ3_M, Q3_K_S, IQ3_XXS, Q2_K, IQ2_M, IQ2_XS, IQ1_M — llama.cpp's
    /// quantize README orders them so), or for vLLM and transformers BF16, FP8, INT8, AWQ/GPTQ INT4, NF4.
    /// </summary>
    public static IReadOnlyList<string> QualityLadder(InferenceEngine engine) => engine == InferenceEngine.LlamaCpp
        ? ["F16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q4_K_M", "Q4_K_S", "IQ4_XS", "Q3_K_L", "Q3_K_M", "IQ3_M", "Q3_K_S", "IQ3_XXS", "Q2_K", "IQ2_M", "IQ2_XS", "IQ1_M"]
        : engine == InferenceEngine.Vllm ? ["BF16", "FP8", "GPTQ-INT8", "AWQ", "GPTQ-INT4"]
        : ["BF16", "INT8", "NF4"];

    /// <summary>
    /// For each device, the fewest of it (up to <paramref name="maxCount"/>) that run the model entirely on it, ranked: fewest
    /// devices first, then least memory bought (usable memory × count), then the faster memory.
    /// Devices on which it does not fit within <paramref name="maxCount"/> are left out.
    /// </summary>
    public static IReadOnlyList<RankedFit> Rank(ModelSource source, InferenceOptions options, IEnumerable<DeviceSpec> devices, int maxCount = 8, long? marginBytes = null)
    {
        var placements = options.Engine == InferenceEngine.LlamaCpp ? new LlamaCppFit(source, options) : null;
        var ranked = new List<RankedFit>();
        foreach (var device in devices)
        {
            if (device.Kind == DeviceKind.Cpu && options.Engine != InferenceEngine.LlamaCpp)
                continue;
            // vLLM has no Metal backend: on Apple Silicon it runs on the CPU only (docs.vllm.ai/getting_started/installation/cpu.html).
            if (options.Engine == InferenceEngine.Vllm && device.Vendor == "Apple")
                continue;
            for (int n = 1; n <= (device.Kind == DeviceKind.Gpu ? maxCount : 1); n = options.Engine == InferenceEngine.Vllm ? n * 2 : n + 1)
            {
                var fit = new FitOptions(new DeviceSelection(device, n), MarginBytes: marginBytes);
                Validate(source, fit);
                var plan = placements is not null
                    ? PlanLlamaCpp(placements, source, options, fit, searchContext: false)
                    : options.Engine == InferenceEngine.Vllm ? PlanVllm(source, options, fit) : PlanTransformers(source, options, fit, searchContext: false);
                if (plan.Verdict == FitVerdict.FitsOnDevice)
                {
                    long used = plan.Devices.Where(d => d.Device != "CPU").Select(d => d.UsedBytes).DefaultIfEmpty(plan.Devices[0].UsedBytes).Max();
                    ranked.Add(new RankedFit(device, n, used, plan));
                    break;
                }
            }
        }
        return ranked.OrderBy(r => r.Count).ThenBy(r => r.Device.UsableMemoryBytes * r.Count).ThenByDescending(r => r.Device.BandwidthBytesPerSecond).ToList();
    }

    /// <summary>The verdict alone, without the context search (what the reverse solvers probe).</summary>
    private static FitVerdict Quick(ModelSource source, InferenceOptions options, FitOptions fit) => options.Engine switch
    {
        InferenceEngine.LlamaCpp => PlanLlamaCpp(new LlamaCppFit(source, options), source, options, fit, searchContext: false).Verdict,
        InferenceEngine.Vllm => PlanVllm(source, options, fit).Verdict,
        _ => PlanTransformers(source, options, fit, searchContext: false).Verdict,
    };

    /// <summary>The largest value in [<paramref name="low"/>, <paramref name="high"/>] where <paramref name="holds"/> (true up to some point, false after); null when it fails at <paramref name="low"/>.</summary>
    private static int? LargestWhere(int low, int high, Func<int, bool> holds)
    {
        if (!holds(low))
            return null;
        if (holds(high))
            return high;
        high--;
        while (low < high)
        {
            int mid = low + (high - low + 1) / 2;
            if (holds(mid))
                low = mid;
            else
                high = mid - 1;
        }
        return low;
    }

    // ---- llama.cpp -------------------------------------------------------------------------------------------------------

    private static FitPlan PlanLlamaCpp(LlamaCppFit placements, ModelSource source, InferenceOptions options, FitOptions fit, bool searchContext)
    {
        var device = fit.Devices.Device;
        int gpus = fit.Devices.Count;
        int all = placements.Layers + 1;
        var notes = new List<string>();
        long margin = fit.MarginBytes ?? FitOptions.DefaultMarginBytes;

        if (device.Kind == DeviceKind.Cpu)
        {
            if (options.GpuLayers is > 0)
                throw new UsageException($"{device.Name} is a CPU: --gpu-layers must be 0 (or left out) on it");
            long ram = fit.HostRamBytes ?? device.UsableMemoryBytes * gpus;
            long host = placements.HostBytes(0);
            var usage = new DeviceUsage("CPU", host, ram, FitOptions.UnifiedOsReserveBytes, "all");
            notes.Add($"CPU inference: everything in system RAM; {ByteSize.FormatGiB(FitOptions.UnifiedOsReserveBytes)} kept for the operating system");
            return Finish(placements.At(0), usage.Fits ? FitVerdict.FitsOnDevice : FitVerdict.DoesNotFit, [usage], 0, all, null, host,
                Context(source, options, fit, searchContext && usage.Fits, o => PlanLlamaCpp(new LlamaCppFit(source, o), source, o, fit, false).Verdict == FitVerdict.FitsOnDevice),
                source, options, fit, notes);
        }

        bool FitsGpus(int ngl) => placements.Split(ngl, gpus).All(s => s.Bytes + margin <= device.UsableMemoryBytes);

        int gpuLayers;
        if (options.GpuLayers is { } asked)
        {
            gpuLayers = Math.Clamp(asked, 0, all);
        }
        else if (FitsGpus(all))
        {
            gpuLayers = all;
        }
        else
        {
            // More layers on the GPUs never take less GPU memory, so the largest -ngl that fits is found by bisection.
            int low = 0, high = all - 1;
            while (low < high)
            {
                int mid = (low + high + 1) / 2;
                if (FitsGpus(mid))
                    low = mid;
                else
                    high = mid - 1;
            }
            gpuLayers = low;
        }

        var estimate = placements.At(gpuLayers);
        var split = placements.Split(gpuLayers, gpus);
        var devices = new List<DeviceUsage>();
        for (int d = 0; d < gpus; d++)
            devices.Add(new DeviceUsage(gpus == 1 ? "GPU" : $"GPU{d}", split[d].Bytes, device.UsableMemoryBytes, margin, placements.Describe(split[d].First, split[d].End)));
        long hostBytes = placements.HostBytes(gpuLayers);

        long? ramCapacity;
        long ramReserve = 0;
        if (device.Kind == DeviceKind.UnifiedMemory)
        {
            // One pool: the GPU side is capped by the working-set limit, and the CPU side gets what the GPU side and the OS leave.
            ramReserve = FitOptions.UnifiedOsReserveBytes;
            ramCapacity = device.MemoryBytes * gpus - split.Sum(s => s.Bytes);
            notes.Add($"unified memory: the GPU side may use {ByteSize.FormatGB(device.UsableMemoryBytes)} (its working-set limit); what runs on the CPU shares the rest of the {ByteSize.FormatGB(device.MemoryBytes)}, less {ByteSize.FormatGiB(ramReserve)} kept for the operating system");
        }
        else
        {
            ramCapacity = fit.HostRamBytes;
            if (ramCapacity is null)
                notes.Add("system RAM not given (--ram): what stays on the host is reported as needed, not checked");
        }
        var hostUsage = new DeviceUsage("CPU", hostBytes, ramCapacity, ramReserve, gpuLayers == all ? "input (token embeddings)" : placements.Describe(0, all - gpuLayers) + " + input");
        devices.Add(hostUsage);

        bool gpusFit = devices.Take(gpus).All(d => d.Fits);
        var verdict = !gpusFit || !hostUsage.Fits ? FitVerdict.DoesNotFit
            : gpuLayers == all ? FitVerdict.FitsOnDevice
            : FitVerdict.FitsWithOffload;
        if (gpus > 1)
            notes.Add("several GPUs: each reserves the single-GPU compute buffer (an upper bound; only the last computes the logits)");
        if (verdict == FitVerdict.FitsWithOffload)
            notes.Add(gpuLayers == 0
                ? "no layer fits on the GPU: llama.cpp runs it on the CPU from system RAM"
                : $"-ngl {gpuLayers}: {all - gpuLayers} of {all} layers run on the CPU from system RAM, which slows generation");
        if (verdict == FitVerdict.DoesNotFit && options.GpuLayers is null)
            notes.Add(!gpusFit ? "even with no layer offloaded the GPU buffers do not fit" : $"needs {ByteSize.FormatGB(hostBytes)} of system RAM for the layers left on the CPU");

        int? maxContext = Context(source, options, fit, searchContext && verdict != FitVerdict.DoesNotFit,
            o => PlanLlamaCpp(new LlamaCppFit(source, o with { GpuLayers = gpuLayers }), source, o with { GpuLayers = gpuLayers }, fit, false).Verdict == verdict);
        return Finish(estimate, verdict, devices, gpuLayers, all - gpuLayers, gpus > 1 ? split.Select(s => s.End - s.First).ToList() : null,
            hostBytes, maxContext, source, options, fit, notes);
    }

    // ---- vLLM ------------------------------------------------------------------------------------------------------------

    private static FitPlan PlanVllm(ModelSource source, InferenceOptions options, FitOptions fit)
    {
        var device = fit.Devices.Device;
        if (device.Kind == DeviceKind.Cpu)
            throw new UsageException($"{device.Name} is a CPU: vLLM's estimates here are for GPUs; use --engine llama.cpp for CPU inference");
        var spec = source.Model.Spec!;
        int context = options.ContextTokens ?? spec.MaxContextTokens;
        var notes = new List<string>();
        MemoryEstimate? last = null;
        int? chosen = null;
        int lastTp = 1;
        for (int tp = 1; tp <= fit.Devices.Count; tp++)
        {
            if (fit.Devices.Count % tp != 0 && tp != fit.Devices.Count)
                continue;
            MemoryEstimate estimate;
            try
            {
                estimate = InferenceEstimator.Estimate(source, options with { TensorParallel = tp, GpuMemoryBytes = device.MemoryBytes, ContextTokens = context });
            }
            catch (UsageException) when (tp > 1)
            {
                continue; // a size vLLM refuses for this model (heads not divisible): try the next
            }
            last = estimate;
            lastTp = tp;
            if (estimate.KvCacheTokens >= context && estimate.TotalBytes <= device.MemoryBytes)
            {
                chosen = tp;
                break;
            }
        }
        last ??= InferenceEstimator.Estimate(source, options with { GpuMemoryBytes = device.MemoryBytes, ContextTokens = context });
        int tpUsed = chosen ?? lastTp;
        var devices = Enumerable.Range(0, tpUsed)
            .Select(d => new DeviceUsage(tpUsed == 1 ? "GPU" : $"GPU{d}", last.TotalBytes, device.MemoryBytes, 0)).ToList();
        notes.Add($"vLLM takes gpu_memory_utilization ({(options.GpuMemoryUtilization ?? Inference.Vllm.VllmProfile.DefaultGpuMemoryUtilization).ToString("0.##", CultureInfo.InvariantCulture)}) of each GPU's {ByteSize.FormatGB(device.MemoryBytes)} and fills what the weights and activations leave with KV cache");
        if (chosen is null)
            notes.Add($"vLLM refuses to start: its KV cache would hold {last.KvCacheTokens ?? 0:N0} tokens, fewer than one {context:N0}-token sequence, on up to {fit.Devices.Count} GPU(s); vLLM does not offload layers to the CPU");
        int? maxContext = chosen is null ? null : (int)Math.Min(last.KvCacheTokens ?? 0, spec.MaxContextTokens > 0 ? spec.MaxContextTokens : int.MaxValue);
        var verdict = chosen is null ? FitVerdict.DoesNotFit : FitVerdict.FitsOnDevice;
        return new FitPlan(verdict, last, devices, null, null, null, null, tpUsed, maxContext, 0, DiskBytes(source, options), LoadSeconds(source, options, fit), notes);
    }

    // ---- transformers ----------------------------------------------------------------------------------------------------

    private static FitPlan PlanTransformers(ModelSource source, InferenceOptions options, FitOptions fit, bool searchContext)
    {
        var device = fit.Devices.Device;
        int gpus = fit.Devices.Count;
        long margin = fit.MarginBytes ?? FitOptions.DefaultMarginBytes;
        var estimate = InferenceEstimator.Estimate(source, options);
        var notes = new List<string>();
        long total = estimate.TotalBytes;
        long perGpuCapacity = device.UsableMemoryBytes - margin;
        long onGpus = Math.Min(total, Math.Max(0, perGpuCapacity) * gpus);
        long offloaded = total - onGpus;
        var devices = Enumerable.Range(0, gpus)
            .Select(d => new DeviceUsage(gpus == 1 ? "GPU" : $"GPU{d}", onGpus / gpus, device.UsableMemoryBytes, margin)).ToList();
        long? ram = device.Kind == DeviceKind.UnifiedMemory ? device.MemoryBytes * gpus - onGpus - FitOptions.UnifiedOsReserveBytes : fit.HostRamBytes;
        devices.Add(new DeviceUsage("CPU", offloaded, ram, 0));
        var verdict = offloaded == 0 ? FitVerdict.FitsOnDevice : ram is { } r && offloaded > r ? FitVerdict.DoesNotFit : FitVerdict.FitsWithOffload;
        if (gpus > 1)
            notes.Add("device_map=\"auto\" spreads whole decoder layers over the GPUs; shares are shown even, layer granularity aside");
        if (verdict == FitVerdict.FitsWithOffload)
            notes.Add($"{ByteSize.FormatGB(offloaded)} offloaded to the CPU by Accelerate (device_map=\"auto\"): those weights cross PCIe on every forward pass");
        int? maxContext = Context(source, options, fit, searchContext && verdict == FitVerdict.FitsOnDevice,
            o => PlanTransformers(source, o, fit, false).Verdict == FitVerdict.FitsOnDevice);
        return Finish(estimate, verdict, devices, null, null, null, offloaded, maxContext, source, options, fit, notes);
    }

    // ---- shared ----------------------------------------------------------------------------------------------------------

    private static FitPlan Finish(MemoryEstimate estimate, FitVerdict verdict, IReadOnlyList<DeviceUsage> devices, int? gpuLayers, int? cpuLayers,
        IReadOnlyList<int>? split, long hostBytes, int? maxContext, ModelSource source, InferenceOptions options, FitOptions fit, List<string> notes) =>
        new(verdict, estimate, devices, gpuLayers, cpuLayers, split, null, null, maxContext, hostBytes, DiskBytes(source, options), LoadSeconds(source, options, fit), notes);

    /// <summary>
    /// The longest context (per sequence) for which <paramref name="fits"/> still holds, by bisection in llama.cpp's 256-token
    /// steps, up to the model's trained context (or 1,048,576 tokens when it states none).
    /// </summary>
    private static int? Context(ModelSource source, InferenceOptions options, FitOptions fit, bool search, Func<InferenceOptions, bool> fits)
    {
        if (!search)
            return null;
        int limit = source.Model.Spec!.MaxContextTokens > 0 ? source.Model.Spec.MaxContextTokens : 1 << 20;
        const int step = 256;
        if (fits(options with { ContextTokens = limit }))
            return limit;
        return LargestWhere(1, limit / step, steps => fits(options with { ContextTokens = steps * step })) * step;
    }

    /// <summary>The weights file(s) the engine loads: the GGUF file (tensor data, aligned) for llama.cpp, the checkpoint's tensors otherwise.</summary>
    private static long DiskBytes(ModelSource source, InferenceOptions options)
    {
        var (weights, _) = InferenceEstimator.Weights(source, source.Model.Spec!, options);
        return weights.Format == "gguf" ? GgufLayout.FileBytes(weights, metadataBytes: 0) : weights.Bytes;
    }

    private static double? LoadSeconds(ModelSource source, InferenceOptions options, FitOptions fit) =>
        fit.Storage is { } storage ? DiskBytes(source, options) / storage.ReadBytesPerSecond : null;
}
