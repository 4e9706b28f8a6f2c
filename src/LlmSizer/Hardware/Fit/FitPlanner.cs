using System.Globalization;
using System.Runtime.CompilerServices;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Hardware.Speed;
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
        try
        {
            return PlanChecked(source, options, fit);
        }
        catch (OverflowException)
        {
            throw SizeLimit.Exceeded($"{source.Model.Id} on {fit.Devices}");
        }
    }

    private static FitPlan PlanChecked(ModelSource source, InferenceOptions options, FitOptions fit)
    {
        Validate(source, fit);
        var plan = options.Engine switch
        {
            InferenceEngine.LlamaCpp => PlanLlamaCpp(new LlamaCppFit(source, options), source, options, fit, searchContext: true),
            InferenceEngine.Vllm => PlanVllm(source, options, fit),
            _ => PlanTransformers(source, options, fit, searchContext: true),
        };
        if (plan.Verdict == FitVerdict.DoesNotFit)
            return plan;
        var (speed, note) = Speed(Traffic(source, options), options, fit, plan);
        return plan with { Speed = speed, Notes = note is null ? plan.Notes : [.. plan.Notes, note] };
    }

    /// <summary>
    /// The speed of <paramref name="plan"/>'s placement: tokens per second per sequence while decoding at the plan's context,
    /// and prefill of a 512-token prompt. A discrete GPU offloading to RAM is paired with <see cref="FitOptions.HostCpu"/> (or
    /// the default desktop host, said so). Returns a note instead when the speed model does not cover the placement.
    /// </summary>
    internal static (SpeedEstimate? Speed, string? Note) Speed(ModelTraffic traffic, InferenceOptions options, FitOptions fit, FitPlan plan)
    {
        var device = fit.Devices.Device;
        bool hostWork = plan.CpuLayers is > 0 || plan.CpuMoeLayers is > 0;
        string? note = null;
        var host = fit.HostCpu;
        if (host is null && hostWork && device.Kind == DeviceKind.Gpu)
        {
            host = DeviceCatalog.Resolve(FitOptions.DefaultHostCpuId).Device;
            note = $"speed: the layers in RAM are read at {host.Name}'s bandwidth (assumed; pass --cpu to name the host)";
        }
        var hardware = device.Kind == DeviceKind.Cpu
            ? SpeedHardware.CpuOnly(device)
            : new SpeedHardware { Device = device, DeviceCount = plan.TensorParallel ?? plan.TensorSplit?.Count ?? 1, Host = host };
        var placement = options.Engine switch
        {
            InferenceEngine.LlamaCpp when device.Kind != DeviceKind.Cpu => new SpeedPlacement { GpuLayers = plan.GpuLayers, CpuMoeLayers = plan.CpuMoeLayers, TensorSplit = plan.TensorSplit },
            InferenceEngine.Vllm => new SpeedPlacement { Mode = MultiDeviceMode.TensorParallel },
            _ => SpeedPlacement.AllOnDevice,
        };
        if (options.Engine == InferenceEngine.Transformers && plan.Verdict == FitVerdict.FitsWithOffload)
            return (null, "speed: not estimated for Accelerate's CPU offload (its weights cross PCIe on every forward pass)");
        bool llama = options.Engine == InferenceEngine.LlamaCpp;
        int sequences = Math.Max(1, options.Sequences);
        var workload = new SpeedWorkload
        {
            // llama.cpp's -c is shared by the sequences; each decodes with its share in its cache.
            ContextTokens = llama ? Math.Max(1, plan.Estimate.ContextTokens / sequences) : plan.Estimate.ContextTokens,
            Sequences = sequences,
            MicroBatchTokens = options.MicroBatchTokens ?? 512,
            KeyType = llama ? KvCacheType.Parse(options.KvTypeK ?? "f16") : KvCacheType.F16,
            ValueType = llama ? KvCacheType.Parse(options.KvTypeV ?? options.KvTypeK ?? "f16") : KvCacheType.F16,
        };
        try
        {
            return (SpeedEstimator.Estimate(traffic, options.Engine, hardware, placement, workload), note);
        }
        catch (UsageException e)
        {
            return (null, $"speed: not estimated ({e.Message})");
        }
    }

    private static void Validate(ModelSource source, FitOptions fit)
    {
        if (source.Model.Spec is null)
            throw new UsageException($"{source.Model.Id}: its architecture is not one LlmSizer maps, so its memory (and fit) cannot be estimated");
        if (fit.Devices.Count is < 1 or > FitOptions.MaxDevices)
            throw new UsageException($"device count: expected 1 to {FitOptions.MaxDevices:N0} devices for one model, found {fit.Devices.Count:N0}");
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
        if (options.Engine == InferenceEngine.LlamaCpp)
            limit = Math.Min(limit, FitOptions.LlamaCppMaxDevices);
        if (fit.Devices.Device.Kind == DeviceKind.Cpu)
            return Quick(source, options, fit) == FitVerdict.FitsOnDevice ? 1 : null;
        var placements = options.Engine == InferenceEngine.LlamaCpp ? new LlamaCppFit(source, options) : null;
        for (int n = 1; n <= limit; n = NextCount(options.Engine, n))
        {
            if (PlaceWith(source, options, fit with { Devices = fit.Devices with { Count = n } }, placements).Verdict == FitVerdict.FitsOnDevice)
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
        if (source.Model.Spec is null)
            throw new UsageException($"{source.Model.Id}: its architecture is not one LlmSizer maps, so its fit cannot be estimated");
        // One set of llama.cpp placements for every device: a device count only changes how the same estimates are split.
        var placements = options.Engine == InferenceEngine.LlamaCpp ? new LlamaCppFit(source, options) : null;
        var traffic = Traffic(source, options);
        var ranked = new List<RankedFit>();
        foreach (var device in devices.Where(d => Runs(options.Engine, d)))
        {
            for (int n = 1; n <= (device.Kind == DeviceKind.Gpu ? maxCount : 1); n = NextCount(options.Engine, n))
            {
                var fit = new FitOptions(new DeviceSelection(device, n), MarginBytes: marginBytes);
                var plan = PlaceWith(source, options, fit, placements);
                if (plan.Verdict == FitVerdict.FitsOnDevice)
                {
                    long used = plan.Devices.Where(d => d.Device != "CPU").Select(d => d.UsedBytes).DefaultIfEmpty(plan.Devices[0].UsedBytes).Max();
                    ranked.Add(new RankedFit(device, n, used, plan with { Speed = Speed(traffic, options, fit, plan).Speed }));
                    break;
                }
            }
        }
        return ranked.OrderBy(r => r.Count).ThenBy(r => r.Device.UsableMemoryBytes * r.Count).ThenByDescending(r => r.Device.BandwidthBytesPerSecond).ToList();
    }

    /// <summary>
    /// Whether <paramref name="engine"/> runs on <paramref name="device"/> as planned here: only llama.cpp computes on a CPU, and
    /// vLLM has no Metal backend (on Apple Silicon it runs on the CPU only: docs.vllm.ai/getting_started/installation/cpu.html).
    /// </summary>
    public static bool Runs(InferenceEngine engine, DeviceSpec device) =>
        (device.Kind != DeviceKind.Cpu || engine == InferenceEngine.LlamaCpp) && (engine != InferenceEngine.Vllm || device.Vendor != "Apple");

    /// <summary>
    /// The placement and verdict alone: <see cref="Plan"/> without its longest-context search and speed, for callers that probe
    /// many settings (a fit matrix, the reverse solvers).
    /// </summary>
    public static FitPlan Place(ModelSource source, InferenceOptions options, FitOptions fit)
    {
        Validate(source, fit);
        return PlaceWith(source, options, fit, placements: null);
    }

    private static FitPlan PlaceWith(ModelSource source, InferenceOptions options, FitOptions fit, LlamaCppFit? placements) => options.Engine switch
    {
        InferenceEngine.LlamaCpp => PlanLlamaCpp(placements ?? new LlamaCppFit(source, options), source, options, fit, searchContext: false),
        InferenceEngine.Vllm => PlanVllm(source, options, fit),
        _ => PlanTransformers(source, options, fit, searchContext: false),
    };

    private static FitVerdict Quick(ModelSource source, InferenceOptions options, FitOptions fit) => PlaceWith(source, options, fit, placements: null).Verdict;

    /// <summary>The next device count to try: vLLM's tensor-parallel sizes double, llama.cpp and Accelerate take any count.</summary>
    private static int NextCount(InferenceEngine engine, int count) => engine == InferenceEngine.Vllm ? count * 2 : count + 1;

    /// <summary>The smallest value in [<paramref name="low"/>, <paramref name="high"/>] where <paramref name="holds"/> (false up to some point, true after); null when it fails at <paramref name="high"/>.</summary>
    private static int? SmallestWhere(int low, int high, Func<int, bool> holds)
    {
        if (!holds(high))
            return null;
        while (low < high)
        {
            int mid = low + (high - low) / 2;
            if (holds(mid))
                high = mid;
            else
                low = mid + 1;
        }
        return low;
    }

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
        if (device.Kind != DeviceKind.Cpu && gpus > FitOptions.LlamaCppMaxDevices)
            throw new UsageException($"llama.cpp uses at most {FitOptions.LlamaCppMaxDevices} devices in one process (llama_max_devices), found {gpus}; vLLM (--engine vllm) spans more");
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
                Context(source, options, searchContext && usage.Fits, o => SlackOf(PlanLlamaCpp(new LlamaCppFit(source, o), source, o, fit, false))),
                source, options, fit, notes);
        }

        bool FitsGpus(int ngl) => placements.Split(ngl, gpus).All(s => s.Bytes + margin <= device.UsableMemoryBytes);

        int gpuLayers;
        int cpuMoe = options.CpuMoeLayers ?? 0;
        if (options.GpuLayers is { } asked)
        {
            gpuLayers = Math.Clamp(asked, 0, all);
        }
        else if (FitsGpus(all))
        {
            gpuLayers = all;
        }
        else if (source.Model.Spec!.Moe is not null && options.CpuMoeLayers is null
                 && SmallestWhere(1, placements.Layers, n => new LlamaCppFit(source, options with { CpuMoeLayers = n }).Split(all, gpus).All(s => s.Bytes + margin <= device.UsableMemoryBytes)) is { } experts)
        {
            // A mixture of experts runs far faster with every layer's attention on the GPU and only routed experts in RAM
            // (llama.cpp --n-cpu-moe, what its --fit tries first for MoE models) than with whole layers left on the CPU.
            cpuMoe = experts;
            options = options with { CpuMoeLayers = experts };
            placements = new LlamaCppFit(source, options);
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
        string hostHolds = gpuLayers < all ? placements.Describe(0, all - gpuLayers) + " + input"
            : cpuMoe > 0 ? $"experts of {placements.Describe(0, cpuMoe)} + input" : "input (token embeddings)";
        var hostUsage = new DeviceUsage("CPU", hostBytes, ramCapacity, ramReserve, hostHolds);
        devices.Add(hostUsage);

        bool gpusFit = devices.Take(gpus).All(d => d.Fits);
        var verdict = !gpusFit || !hostUsage.Fits ? FitVerdict.DoesNotFit
            : gpuLayers == all && cpuMoe == 0 ? FitVerdict.FitsOnDevice
            : FitVerdict.FitsWithOffload;
        if (gpus > 1)
            notes.Add("several GPUs: each reserves the single-GPU compute buffer (an upper bound; only the last computes the logits)");
        if (verdict == FitVerdict.FitsWithOffload && cpuMoe > 0)
            notes.Add($"--n-cpu-moe {cpuMoe}: every layer on the GPU except the routed experts of layers 0–{cpuMoe - 1}, which stay in system RAM and run on the CPU");
        else if (verdict == FitVerdict.FitsWithOffload)
            notes.Add(gpuLayers == 0
                ? "no layer fits on the GPU: llama.cpp runs it on the CPU from system RAM"
                : $"-ngl {gpuLayers}: {all - gpuLayers} of {all} layers run on the CPU from system RAM, which slows generation");
        if (verdict == FitVerdict.DoesNotFit && options.GpuLayers is null)
            notes.Add(!gpusFit ? "even with no layer offloaded the GPU buffers do not fit" : $"needs {ByteSize.FormatGB(hostBytes)} of system RAM for the layers left on the CPU");

        // At this placement (-ngl and --n-cpu-moe fixed) the verdict holds exactly while every device keeps its margin.
        int? maxContext = Context(source, options, searchContext && verdict != FitVerdict.DoesNotFit,
            o => SlackOf(PlanLlamaCpp(new LlamaCppFit(source, o with { GpuLayers = gpuLayers }), source, o with { GpuLayers = gpuLayers }, fit, false)));
        return Finish(estimate, verdict, devices, gpuLayers, all - gpuLayers, gpus > 1 ? split.Select(s => s.End - s.First).ToList() : null,
            hostBytes, maxContext, source, options, fit, notes) with { CpuMoeLayers = cpuMoe > 0 ? cpuMoe : null };
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
        // tp = 1 always runs (a refusal there propagates), so the loop has made an estimate.
        var chosenEstimate = last!;
        int tpUsed = chosen ?? lastTp;
        var devices = Enumerable.Range(0, tpUsed)
            .Select(d => new DeviceUsage(tpUsed == 1 ? "GPU" : $"GPU{d}", chosenEstimate.TotalBytes, device.MemoryBytes, 0)).ToList();
        notes.Add($"vLLM takes gpu_memory_utilization ({(options.GpuMemoryUtilization ?? Inference.Vllm.VllmProfile.DefaultGpuMemoryUtilization).ToString("0.##", CultureInfo.InvariantCulture)}) of each GPU's {ByteSize.FormatGB(device.MemoryBytes)} and fills what the weights and activations leave with KV cache");
        if (chosen is null)
            notes.Add($"vLLM refuses to start: its KV cache would hold {chosenEstimate.KvCacheTokens ?? 0:N0} tokens, fewer than one {context:N0}-token sequence, on up to {fit.Devices.Count} GPU(s); vLLM does not offload layers to the CPU");
        int? maxContext = chosen is null ? null : (int)Math.Min(chosenEstimate.KvCacheTokens ?? 0, spec.MaxContextTokens > 0 ? spec.MaxContextTokens : int.MaxValue);
        var verdict = chosen is null ? FitVerdict.DoesNotFit : FitVerdict.FitsOnDevice;
        return new FitPlan(verdict, chosenEstimate, devices, null, null, null, null, tpUsed, maxContext, 0, DiskBytes(source, options), LoadSeconds(source, options, fit), notes);
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
            // The remainder of the even split goes one byte each to the first GPUs, so the shares add up to what is on the GPUs.
            .Select(d => new DeviceUsage(gpus == 1 ? "GPU" : $"GPU{d}", onGpus / gpus + (d < onGpus % gpus ? 1 : 0), device.UsableMemoryBytes, margin)).ToList();
        // Unified memory, as for llama.cpp: the CPU side has what the GPU side leaves, with the OS's share kept as its margin (a
        // capacity net of that share went negative when the GPU side took nearly all of a small Mac).
        var host = device.Kind == DeviceKind.UnifiedMemory
            ? new DeviceUsage("CPU", offloaded, device.MemoryBytes * gpus - onGpus, FitOptions.UnifiedOsReserveBytes)
            : new DeviceUsage("CPU", offloaded, fit.HostRamBytes, 0);
        devices.Add(host);
        var verdict = offloaded == 0 ? FitVerdict.FitsOnDevice : host.Fits ? FitVerdict.FitsWithOffload : FitVerdict.DoesNotFit;
        if (gpus > 1)
            notes.Add("device_map=\"auto\" spreads whole decoder layers over the GPUs; shares are shown even, layer granularity aside");
        if (verdict == FitVerdict.FitsWithOffload)
            notes.Add($"{ByteSize.FormatGB(offloaded)} offloaded to the CPU by Accelerate (device_map=\"auto\"): those weights cross PCIe on every forward pass");
        int? maxContext = Context(source, options, searchContext && verdict == FitVerdict.FitsOnDevice, o =>
        {
            var p = PlanTransformers(source, o, fit, false);
            return p.Verdict == FitVerdict.FitsOnDevice ? SlackOf(p) : -Math.Max(1, p.HostRamBytes);
        });
        return Finish(estimate, verdict, devices, null, null, null, offloaded, maxContext, source, options, fit, notes);
    }

    // ---- shared ----------------------------------------------------------------------------------------------------------

    private static FitPlan Finish(MemoryEstimate estimate, FitVerdict verdict, IReadOnlyList<DeviceUsage> devices, int? gpuLayers, int? cpuLayers,
        IReadOnlyList<int>? split, long hostBytes, int? maxContext, ModelSource source, InferenceOptions options, FitOptions fit, List<string> notes) =>
        new(verdict, estimate, devices, gpuLayers, cpuLayers, split, null, null, maxContext, hostBytes, DiskBytes(source, options), LoadSeconds(source, options, fit), notes);

    /// <summary>
    /// The longest context (per sequence) whose <paramref name="slack"/> (bytes left free; negative when over) is not
    /// negative, in llama.cpp's 256-token steps, up to the model's trained context (or 1,048,576 tokens when it states none).
    /// </summary>
    private static int? Context(ModelSource source, InferenceOptions options, bool search, Func<InferenceOptions, long> slack)
    {
        if (!search)
            return null;
        int limit = source.Model.Spec!.MaxContextTokens > 0 ? source.Model.Spec.MaxContextTokens : 1 << 20;
        const int step = 256;
        long At(int tokens) => slack(options with { ContextTokens = tokens });
        long high = At(limit);
        if (high >= 0)
            return limit;
        int lo = 1, hi = limit / step;
        long low = At(lo * step);
        if (low < 0)
            return null;
        // Free memory falls almost linearly with the context (the KV cache, the mask), so interpolating between the bracket's
        // ends (regula falsi) lands on the last fitting step in two or three probes; a bisection step whenever the same end
        // moved twice in a row keeps the worst case logarithmic.
        int lastSide = 0;
        bool bisect = false;
        while (hi - lo > 1)
        {
            int guess = bisect ? lo + (hi - lo) / 2 : lo + (int)Math.Floor((double)(hi - lo) * low / (low - high));
            guess = Math.Clamp(guess, lo + 1, hi - 1);
            long free = At(guess * step);
            int side = free >= 0 ? -1 : 1;
            if (free >= 0)
                (lo, low) = (guess, free);
            else
                (hi, high) = (guess, free);
            bisect = side == lastSide;
            lastSide = side;
        }
        return lo * step;
    }

    /// <summary>The least free memory left on any device of the plan with a known capacity (negative: over it).</summary>
    private static long SlackOf(FitPlan plan)
    {
        long slack = long.MaxValue;
        foreach (var d in plan.Devices)
            if (d.CapacityBytes is { } capacity)
                slack = Math.Min(slack, capacity - d.MarginBytes - d.UsedBytes);
        return slack;
    }

    /// <summary>The weights file(s) the engine loads: the GGUF file (tensor data, aligned) for llama.cpp, the checkpoint's tensors otherwise.</summary>
    private static long DiskBytes(ModelSource source, InferenceOptions options)
    {
        var (weights, _) = InferenceEstimator.Weights(source, source.Model.Spec!, options);
        // Searches plan the same weights many times; the file size is a property of the inventory alone.
        if (!FileBytesByInventory.TryGetValue(weights, out var bytes))
            FileBytesByInventory.AddOrUpdate(weights, bytes = new StrongBox<long>(weights.Format == "gguf" ? GgufLayout.FileBytes(weights, metadataBytes: 0) : weights.Bytes));
        return bytes.Value;
    }

    private static readonly ConditionalWeakTable<TensorInventory, StrongBox<long>> FileBytesByInventory = [];

    /// <summary>What a forward pass reads of the weights the engine loads, worked out once per inventory.</summary>
    private static ModelTraffic Traffic(ModelSource source, InferenceOptions options)
    {
        var spec = source.Model.Spec!;
        var weights = InferenceEstimator.Weights(source, spec, options).Weights;
        if (!TrafficByInventory.TryGetValue(weights, out var traffic))
            TrafficByInventory.AddOrUpdate(weights, traffic = ModelTraffic.From(spec, weights));
        return traffic;
    }

    private static readonly ConditionalWeakTable<TensorInventory, ModelTraffic> TrafficByInventory = [];

    private static double? LoadSeconds(ModelSource source, InferenceOptions options, FitOptions fit) =>
        fit.Storage is { } storage ? DiskBytes(source, options) / storage.ReadBytesPerSecond : null;
}
