using System.CommandLine;
using System.Globalization;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Training;
using LlmSizer.Training.Activations;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// <c>llmsizer train MODEL [training options]</c>: memory per GPU for full fine-tuning, LoRA or QLoRA under a ZeRO / tensor /
/// pipeline layout, the GPU count for a device, training time, checkpoints, with the rules of thumb beside them.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var method = new Option<string>("--method") { Description = "full, lora or qlora", DefaultValueFactory = _ => "full" };
        var optimizer = new Option<string>("--optimizer") { Description = "adamw, adamw-8bit, paged-adamw, paged-adamw-8bit, adafactor, sgd, sgd-momentum or lion", DefaultValueFactory = _ => "adamw" };
        var precision = new Option<string>("--precision") { Description = "mixed (bf16 + fp32 master), mixed-fp32-grads (Megatron), amp (torch.autocast on fp32), bf16 (pure) or fp32", DefaultValueFactory = _ => "mixed" };
        var rank = new Option<int>("--lora-rank") { Description = "LoRA rank r", DefaultValueFactory = _ => 8 };
        var targets = new Option<string>("--lora-targets") { Description = "Modules LoRA adapts: q,k,v,o,gate,up,down,kv,router,lm_head,embed, or attention, mlp, all-linear", DefaultValueFactory = _ => "q,v" };
        var seq = new Option<int>("--seq") { Description = "Tokens per sequence", DefaultValueFactory = _ => 2048 };
        var microBatch = new Option<int>("--micro-batch") { Description = "Sequences per micro-batch per data-parallel rank", DefaultValueFactory = _ => 1 };
        var gradAccum = new Option<int>("--grad-accum") { Description = "Micro-batches per optimizer step (fills the pipeline)", DefaultValueFactory = _ => 1 };
        var recompute = new Option<string>("--recompute") { Description = "Activation recomputation: none, selective or full (gradient checkpointing)", DefaultValueFactory = _ => "none" };
        var attention = new Option<string>("--attention") { Description = "flash (FlashAttention / SDPA) or eager (scores materialised)", DefaultValueFactory = _ => "flash" };
        var chunkedLoss = new Option<bool>("--chunked-loss") { Description = "Cross-entropy in chunks (torchtune, Liger) instead of all logits in fp32" };
        var optimizerInBackward = new Option<bool>("--optimizer-in-backward") { Description = "Step each parameter during backward and free its gradient (torchtune optimizer_in_bwd)" };
        var zero = new Option<int>("--zero") { Description = "ZeRO stage 0 (DDP), 1, 2 or 3 (FSDP full shard)", DefaultValueFactory = _ => 0 };
        var offload = new Option<string>("--offload") { Description = "none, optimizer (ZeRO-Offload) or params (ZeRO-3: optimizer and parameters)", DefaultValueFactory = _ => "none" };
        var offloadDevice = new Option<string>("--offload-device") { Description = "cpu or nvme (ZeRO-Infinity)", DefaultValueFactory = _ => "cpu" };
        var tp = new Option<int>("--tp") { Description = "Tensor-parallel GPUs", DefaultValueFactory = _ => 1 };
        var pp = new Option<int>("--pp") { Description = "Pipeline stages", DefaultValueFactory = _ => 1 };
        var ep = new Option<int>("--ep") { Description = "Expert-parallel ranks for routed experts (MoE)", DefaultValueFactory = _ => 1 };
        var sp = new Option<bool>("--sequence-parallel") { Description = "Megatron sequence parallelism within the tensor-parallel group" };
        var gpus = new Option<int?>("--gpus") { Description = "Total GPUs (default: with --device, the fewest that fit; else tp × pp)" };
        var gpusPerNode = new Option<int>("--gpus-per-node") { Description = "GPUs sharing one node's RAM for offloaded state", DefaultValueFactory = _ => 8 };
        var device = new Option<string?>("--device") { Description = "GPU to fit on: a catalog name (h100, rtx-4090, a100-80gb) or NAMExN to fix the count" };
        var gpuMemory = new Option<string?>("--gpu-memory") { Description = "Memory of one GPU when it is not in the catalog, e.g. 24GB or 80GiB" };
        var tokens = new Option<string?>("--tokens") { Description = "Training tokens, e.g. 2e12 or 1.4T (default 20 × parameters, Chinchilla)" };
        var mfu = new Option<double>("--mfu") { Description = "Model FLOPs utilization for the time estimate", DefaultValueFactory = _ => 0.4 };
        var price = new Option<double?>("--price") { Description = "US dollars per GPU-hour, for the cost" };
        var explain = new Option<bool>("--explain") { Description = "Show each line's formula, inputs and source" };
        var json = CommonOptions.Json();
        var command = new Command("train", "Training and fine-tuning memory per GPU, GPU count, time and checkpoints: full, LoRA, QLoRA, ZeRO, tensor and pipeline parallel") { model };
        foreach (var option in new Option[] { method, optimizer, precision, rank, targets, seq, microBatch, gradAccum, recompute, attention, chunkedLoss, optimizerInBackward,
                     zero, offload, offloadDevice, tp, pp, ep, sp, gpus, gpusPerNode, device, gpuMemory, tokens, mfu, price, explain, json })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var (gpu, count) = Device(parse.GetValue(device), parse.GetValue(gpuMemory));
            int? gpuCount = parse.GetValue(gpus);
            if (count is { } fixedCount && gpuCount is { } given && given != fixedCount)
                throw new UsageException($"--device asks for {fixedCount} GPUs and --gpus for {given}; give the count once");
            gpuCount ??= count;
            var options = new TrainingOptions
            {
                Method = Method(parse.GetValue(method)!),
                Optimizer = Optimizer.Parse(parse.GetValue(optimizer)!),
                Precision = PrecisionBytes.Parse(parse.GetValue(precision)!),
                LoraRank = parse.GetValue(rank),
                LoraTargets = LoraTargets.Parse(parse.GetValue(targets)!),
                SequenceTokens = parse.GetValue(seq),
                MicroBatch = parse.GetValue(microBatch),
                GradientAccumulation = parse.GetValue(gradAccum),
                Recompute = Recompute(parse.GetValue(recompute)!),
                Attention = Attention(parse.GetValue(attention)!),
                ChunkedLoss = parse.GetValue(chunkedLoss),
                OptimizerInBackward = parse.GetValue(optimizerInBackward),
                Layout = new ParallelLayout
                {
                    Gpus = gpuCount ?? 1,
                    TensorParallel = parse.GetValue(tp),
                    PipelineParallel = parse.GetValue(pp),
                    ExpertParallel = parse.GetValue(ep),
                    SequenceParallel = parse.GetValue(sp),
                    ZeroStage = parse.GetValue(zero),
                    Offload = Offload(parse.GetValue(offload)!),
                    OffloadTo = parse.GetValue(offloadDevice)!.Trim().ToLowerInvariant() switch
                    {
                        "cpu" => OffloadDevice.Cpu,
                        "nvme" => OffloadDevice.Nvme,
                        var other => throw new UsageException($"--offload-device '{other}': expected cpu or nvme"),
                    },
                    GpusPerNode = parse.GetValue(gpusPerNode),
                },
                Tokens = Tokens(parse.GetValue(tokens)),
                ModelFlopsUtilization = parse.GetValue(mfu),
                PricePerGpuHourUsd = parse.GetValue(price),
            };
            var source = InspectCommand.Open(parse.GetValue(model)!);
            var report = TrainReport.Build(source, options, gpu, gpuCount is not null);
            bool withExplain = parse.GetValue(explain);
            return output.Emit(report, c => c.TrainReport, (r, console) => TrainRenderer.Render(r, console, withExplain));
        });
        return command;
    }

    private static (DeviceSpec? Device, int? Count) Device(string? name, string? memory)
    {
        if (name is not null && memory is not null)
            throw new UsageException("--device and --gpu-memory both name the GPU; give one");
        if (memory is not null)
            return (CustomDevice.FromMemory(InferenceArguments.Size(memory, "--gpu-memory")!.Value, memory), null);
        if (name is null)
            return (null, null);
        var selection = DeviceCatalog.Resolve(name);
        if (selection.Device.Kind != DeviceKind.Gpu && selection.Device.Kind != DeviceKind.UnifiedMemory)
            throw new UsageException($"--device {name}: {selection.Device.Name} is not a GPU; training needs one");
        // NAMExN fixes the count; a bare name leaves it to the search.
        return (selection.Device, selection.Count > 1 ? selection.Count : null);
    }

    private static TrainingMethod Method(string text) => text.Trim().ToLowerInvariant() switch
    {
        "full" => TrainingMethod.Full,
        "lora" => TrainingMethod.Lora,
        "qlora" => TrainingMethod.Qlora,
        _ => throw new UsageException($"--method '{text}': expected full, lora or qlora"),
    };

    private static Recomputation Recompute(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "off" => Recomputation.None,
        "selective" => Recomputation.Selective,
        "full" or "on" or "gradient-checkpointing" => Recomputation.Full,
        _ => throw new UsageException($"--recompute '{text}': expected none, selective or full"),
    };

    private static AttentionKernel Attention(string text) => text.Trim().ToLowerInvariant() switch
    {
        "flash" or "sdpa" or "flash-attention" => AttentionKernel.Flash,
        "eager" => AttentionKernel.Eager,
        _ => throw new UsageException($"--attention '{text}': expected flash or eager"),
    };

    private static OffloadKind Offload(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => OffloadKind.None,
        "optimizer" or "opt" => OffloadKind.Optimizer,
        "params" or "parameters" or "param" => OffloadKind.Parameters,
        _ => throw new UsageException($"--offload '{text}': expected none, optimizer or params"),
    };

    /// <summary>A token count: a number (<c>2e12</c>, <c>300000000000</c>) or one with a K/M/B/T suffix (<c>1.4T</c>).</summary>
    private static double? Tokens(string? text)
    {
        if (text is null)
            return null;
        string t = text.Trim();
        double scale = 1;
        if (t.Length > 0 && "kKmMbBgGtT".Contains(t[^1]))
        {
            scale = char.ToUpperInvariant(t[^1]) switch { 'K' => 1e3, 'M' => 1e6, 'B' or 'G' => 1e9, _ => 1e12 };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || !double.IsFinite(value * scale))
            throw new UsageException($"--tokens '{text}': expected a positive count such as 2e12 or 1.4T");
        return value * scale;
    }
}
