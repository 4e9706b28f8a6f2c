using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Inference;
using LlmSizer.Models;
using LlmSizer.Precision;
using LlmSizer.Training.Activations;
using LlmSizer.Units;

namespace LlmSizer.Training;

/// <summary>
/// Training memory from first principles (docs/METHOD.md, "Training"): every stored tensor is placed on its pipeline stage and
/// tensor-/expert-parallel shard, then its working copy, gradient, master copy and optimizer states are sized and sharded by the
/// ZeRO stage (or moved to host memory by offload); activations come from <see cref="ActivationMemory"/>.
/// </summary>
public static class TrainingEstimator
{
    private const string ZeroSource = "Rajbhandari et al. 2020, ZeRO (arXiv 1910.02054) §5: stage 1 partitions optimizer states, 2 also gradients, 3 also parameters";

    public static TrainingEstimate Estimate(ModelSpec spec, TrainingOptions options)
    {
        try
        {
            return EstimateChecked(spec, options);
        }
        catch (OverflowException)
        {
            throw SizeLimit.Exceeded($"training {spec.Architecture}");
        }
    }

    private static TrainingEstimate EstimateChecked(ModelSpec spec, TrainingOptions options)
    {
        Check(options);
        var layout = options.Layout;
        layout.Validate(spec.AttentionHeads, spec.Mla is null ? spec.EffectiveKeyValueHeads : 0, spec.Layers, spec.Moe?.RoutedExperts);
        var tensors = TrainingTensor.Of(spec);
        bool peft = options.Method != TrainingMethod.Full;
        if (peft)
            options.LoraTargets.CheckPresentIn(tensors, spec.Architecture);

        var stages = new StageStates[layout.PipelineParallel];
        for (int s = 0; s < stages.Length; s++)
            stages[s] = new StageStates();
        var sizer = new TensorSizer(spec, options, tensors);
        foreach (var tensor in tensors)
        {
            foreach (int stage in sizer.StagesOf(tensor))
                sizer.Add(stages[stage], tensor);
        }
        foreach (var stage in stages)
            sizer.Finish(stage);

        int most = 0;
        for (int s = 1; s < stages.Length; s++)
        {
            if (stages[s].GpuBytes(layout) > stages[most].GpuBytes(layout))
                most = s;
        }
        var activations = ActivationMemory.Estimate(spec, ActivationSettingsFor(options));
        var items = Items(spec, options, sizer, stages[most], activations);
        long perGpu = items.Where(i => i.Location == TrainingLocation.Gpu).Sum(i => i.Bytes);
        long statesMost = stages[most].GpuBytes(layout);
        long totalGpu = 0;
        foreach (var stage in stages)
            totalGpu = checked(totalGpu + (perGpu - statesMost + stage.GpuBytes(layout)) * layout.TensorParallel * layout.DataParallel);

        long total = tensors.Sum(t => t.Elements);
        long trainable = peft ? sizer.AdapterParameters : total;
        var notes = Notes(spec, options, most, activations);
        var estimate = new TrainingEstimate(total, trainable, Settings(options, sizer), items, totalGpu,
            QuickModelStates(options.Precision, total), Checkpoint(options, sizer, total, trainable), notes);
        // Totals are sums read later; summing here makes one that passes 64 bits fail inside the size check.
        _ = (estimate.CpuBytesPerNode, estimate.NvmeBytesPerNode);
        return estimate;
    }

    private static void Check(TrainingOptions o)
    {
        if (o.SequenceTokens < 1)
            throw new UsageException($"--seq: expected 1 token or more, found {o.SequenceTokens}");
        if (o.MicroBatch < 1)
            throw new UsageException($"--micro-batch: expected 1 or more, found {o.MicroBatch}");
        if (o.GradientAccumulation < 1)
            throw new UsageException($"--grad-accum: expected 1 or more, found {o.GradientAccumulation}");
        if (o.Method != TrainingMethod.Full && o.LoraRank < 1)
            throw new UsageException($"--lora-rank: expected 1 or more, found {o.LoraRank}");
        if (o.ModelFlopsUtilization is not (> 0 and <= 1))
            throw new UsageException($"--mfu: expected a share above 0 and at most 1, found {o.ModelFlopsUtilization.ToString(CultureInfo.InvariantCulture)}");
        if (o.Tokens is { } tokens && !(tokens > 0 && double.IsFinite(tokens)))
            throw new UsageException($"--tokens: expected a positive count, found {tokens.ToString(CultureInfo.InvariantCulture)}");
        if (o.PricePerGpuHourUsd is { } price && !(price >= 0 && double.IsFinite(price)))
            throw new UsageException($"--price: expected 0 or more dollars per GPU-hour, found {price.ToString(CultureInfo.InvariantCulture)}");
        if (o.Method == TrainingMethod.Qlora && o.Precision == TrainingPrecision.Fp32)
            throw new UsageException("--method qlora computes in bf16 over an NF4 base; --precision fp32 does not apply (use mixed or bf16)");
        if (o.Layout.Offload != OffloadKind.None && Optimizer.IsPaged(o.Optimizer))
            throw new UsageException("--offload and a paged optimizer both move optimizer states off the GPU; choose one");
    }

    private static ActivationSettings ActivationSettingsFor(TrainingOptions o) => new()
    {
        SequenceTokens = o.SequenceTokens,
        MicroBatch = o.MicroBatch,
        Recompute = o.Recompute,
        Attention = o.Attention,
        TensorParallel = o.Layout.TensorParallel,
        SequenceParallel = o.Layout.SequenceParallel,
        PipelineParallel = o.Layout.PipelineParallel,
        MicroBatchesInFlight = Math.Min(o.Layout.PipelineParallel, o.GradientAccumulation),
        ActivationBytes = PrecisionBytes.Of(o.Precision).ActivationBytes,
        ChunkedLoss = o.ChunkedLoss,
        // Adapters on routers, recurrent mixers, MLA latents or the embedding save inputs the activation model does not track (small or none).
        TrainableLinears = o.Method == TrainingMethod.Full ? null : o.LoraTargets.Names.Where(ActivationSettings.LinearNames.Contains).ToHashSet(),
        LoraRank = o.LoraRank,
    };

    private static List<TrainingItem> Items(ModelSpec spec, TrainingOptions o, TensorSizer sizer, StageStates st, ActivationEstimate activations)
    {
        var layout = o.Layout;
        var p = sizer.Bytes;
        int d = layout.DataParallel, z = layout.ZeroStage;
        bool peft = o.Method != TrainingMethod.Full;
        var offloadTo = layout.OffloadTo == OffloadDevice.Nvme ? TrainingLocation.Nvme : TrainingLocation.Cpu;
        string shard = Shard(layout);
        var items = new List<TrainingItem>();

        // Offloaded state is per rank on the GPU side; a node's RAM or NVMe holds that of all its ranks.
        void Add(string name, TrainingMemoryCategory category, TrainingLocation location, long bytes, string formula, string source, params (string, string)[] inputs)
        {
            if (bytes <= 0)
                return;
            if (location != TrainingLocation.Gpu && layout.RanksPerNode > 1)
            {
                bytes = checked(bytes * layout.RanksPerNode);
                formula += $", × {layout.RanksPerNode} ranks per node";
            }
            items.Add(new TrainingItem(name, category, location, bytes, formula, inputs.Select(i => new EstimateInput(i.Item1, i.Item2)).ToList(), source));
        }

        string perGpu = layout.Gpus > 1 ? " per GPU" : "";

        // Weights.
        if (peft)
        {
            string baseRule = o.Method == TrainingMethod.Qlora
                ? "linear layers in NF4 with double quantization (4 bits + 8-bit absmax per 64 + fp32 absmax per 16,384), the rest in bf16"
                : $"every base tensor in {(PrecisionBytes.FrozenWeightBytes(o.Precision) == 4 ? "fp32" : "bf16")}";
            Add("frozen base weights", TrainingMemoryCategory.Weights, Placement(layout, OffloadKind.Parameters, offloadTo), st.FrozenWeightBytes,
                $"{Count(st.FrozenElements)} parameters: {baseRule}{shard}" + (z == 3 && d > 1 ? $", ÷ {d} (ZeRO-3)" : ""),
                o.Method == TrainingMethod.Qlora ? "Dettmers et al. 2023, QLoRA (arXiv 2305.14314) §3; bitsandbytes Params4bit storage (docs/METHOD.md, NF4)" : "Hu et al. 2021, LoRA (arXiv 2106.09685): the pretrained weights are frozen",
                ("frozen parameters" + perGpu, Count(st.FrozenElements)));
            Add("LoRA adapters", TrainingMemoryCategory.Weights, TrainingLocation.Gpu, st.TrainableWeightBytes,
                $"{Count(st.TrainableElements)} adapter parameters × {p.WeightBytes} B (r·(in + out) per adapted matrix, r = {o.LoraRank})",
                "Hu et al. 2021, LoRA §4.1: ΔW = B·A with A r×in and B out×r; PEFT keeps adapters in fp32 (autocast_adapter_dtype)",
                ("rank", o.LoraRank.ToString(CultureInfo.InvariantCulture)), ("targets", o.LoraTargets.ToString()));
        }
        else
        {
            Add("weights", TrainingMemoryCategory.Weights, Placement(layout, OffloadKind.Parameters, offloadTo), st.TrainableWeightBytes,
                $"{Count(st.TrainableElements)} parameters × {p.WeightBytes} B{shard}" + (z == 3 && d > 1 ? $", ÷ {d} data-parallel ranks (ZeRO-3)" : ""),
                z == 3 ? ZeroSource : "the working copy the forward pass reads: " + PrecisionBytes.Describe(o.Precision),
                ("parameters" + perGpu, Count(st.TrainableElements)), ("bytes per weight", p.WeightBytes.ToString(CultureInfo.InvariantCulture)));
        }
        Add("autocast weight copies", TrainingMemoryCategory.Weights, TrainingLocation.Gpu, st.CastCopyBytes,
            $"{Count(st.TrainableElements)} parameters × {p.CastCopyBytes} B (a bf16 copy of each weight, saved for backward)",
            "PyTorch torch.autocast casts each fp32 weight once per forward and caches it (cache_enabled=True); autograd keeps the copy for backward; "
            + "Hugging Face 'model memory anatomy' counts 6 B per parameter for mixed-precision weights");
        if (z == 3)
        {
            Add("gathered parameters (ZeRO-3)", TrainingMemoryCategory.Weights, TrainingLocation.Gpu, sizer.GatheredBytes,
                $"largest unit {Count(sizer.LargestUnitElements)} parameters ({sizer.LargestUnitName}) × ({p.WeightBytes} B weights" + (peft ? ")" : $" + {p.GradientBytes} B gradients)"),
                "DeepSpeed estimate_zero3_model_states_mem_needs: 4 × largest layer parameters (fp16 parameters and gradients gathered for one layer); FSDP gathers one wrapped unit at a time",
                ("largest unit", sizer.LargestUnitName));
        }

        // Gradients.
        string gradRule = o.OptimizerInBackward
            ? $"only the largest trainable tensor's gradient ({Count(sizer.LargestTrainableElements)} values × {p.GradientBytes} B) is alive: the optimizer steps each parameter in backward and frees its gradient"
            : $"{Count(st.TrainableElements)} trainable parameters × {p.GradientBytes} B" + (z >= 2 && d > 1 ? $", ÷ {d} (ZeRO-{z})" : "");
        Add("gradients", TrainingMemoryCategory.Gradients, TrainingLocation.Gpu, st.GradientBytes, gradRule,
            o.OptimizerInBackward ? "torchtune optimizer_in_bwd (PyTorch register_post_accumulate_grad_hook)" : z >= 2 ? ZeroSource : "one gradient per trainable parameter, in the gradient dtype",
            ("bytes per gradient", p.GradientBytes.ToString(CultureInfo.InvariantCulture)));
        Add("DDP gradient buckets", TrainingMemoryCategory.Gradients, TrainingLocation.Gpu, st.DdpBucketBytes,
            "a second copy of the gradients: PyTorch DDP copies them into its all-reduce buckets unless gradient_as_bucket_view=True",
            "PyTorch DistributedDataParallel docs, gradient_as_bucket_view: 'can reduce peak memory usage, where the saved memory size will be equal to the total gradients size'");
        if (layout.Offload != OffloadKind.None)
        {
            Add("fp32 gradients (offloaded)", TrainingMemoryCategory.Gradients, TrainingLocation.Cpu, st.OffloadedFp32GradientBytes,
                $"{Count(st.TrainableElements)} parameters × 4 B" + (d > 1 ? $", ÷ {d} (ZeRO-{z})" : ""),
                "Ren et al. 2021, ZeRO-Offload (arXiv 2101.06840) §4: fp32 gradients and the optimizer step live on the CPU");
        }

        // Optimizer: master copy and states.
        var optimizerAt = Placement(layout, OffloadKind.Optimizer, offloadTo);
        Add("fp32 master weights", TrainingMemoryCategory.Optimizer, optimizerAt, st.MasterBytes,
            $"{Count(st.TrainableElements)} parameters × {p.MasterBytes} B" + (z >= 1 && d > 1 ? $", ÷ {d} (ZeRO-{z})" : ""),
            "Micikevicius et al. 2018, Mixed Precision Training (arXiv 1710.03740): an fp32 master copy of the weights; ZeRO paper §3.1 counts it with the optimizer");
        string stateRule = Optimizer.Describe(o.Optimizer, p.StateBytes);
        var statesAt = Optimizer.IsPaged(o.Optimizer) ? TrainingLocation.Gpu : optimizerAt;
        Add(Optimizer.IsPaged(o.Optimizer) ? "optimizer states (paged)" : "optimizer states", TrainingMemoryCategory.Optimizer, statesAt, st.StateBytes,
            stateRule + (z >= 1 && d > 1 ? $", ÷ {d} (ZeRO-{z})" : ""),
            o.Optimizer switch
            {
                OptimizerKind.AdamW8bit or OptimizerKind.PagedAdamW8bit => "Dettmers et al. 2022, 8-bit Optimizers via Block-wise Quantization (arXiv 2110.02861); bitsandbytes min_8bit_size=4096, blocksize 256",
                OptimizerKind.PagedAdamW => "bitsandbytes paged optimizers (QLoRA §3): CUDA unified memory",
                OptimizerKind.Adafactor => "Shazeer & Stern 2018, Adafactor (arXiv 1804.04235) §3: factored second moments; transformers Adafactor beta1=None",
                OptimizerKind.Lion => "Chen et al. 2023, Symbolic Discovery of Optimization Algorithms (arXiv 2302.06675): Lion keeps only momentum",
                OptimizerKind.Sgd or OptimizerKind.SgdMomentum => "torch.optim.SGD: a momentum buffer only when momentum > 0",
                _ => "Loshchilov & Hutter 2019, AdamW (arXiv 1711.05101): first and second moments per parameter",
            },
            ("optimizer", Optimizer.Name(o.Optimizer)));

        // Activations, QLoRA's dequantization buffer, overhead.
        foreach (var term in activations.Terms)
            Add(term.Name, TrainingMemoryCategory.Activations, TrainingLocation.Gpu, term.Bytes, term.Formula, term.Source);
        if (o.Method == TrainingMethod.Qlora)
        {
            Add("dequantized weight (transient)", TrainingMemoryCategory.Activations, TrainingLocation.Gpu, sizer.DequantizeBufferBytes,
                $"largest quantized matrix {Count(sizer.LargestQuantizedElements)} values × 2 B: bitsandbytes dequantizes one NF4 weight to bf16 for each matmul, forward and backward",
                "bitsandbytes MatMul4Bit: dequantize_4bit before the matmul (QLoRA §3: 'we dequantize the storage data type to the computation data type')");
        }
        Add("CUDA context", TrainingMemoryCategory.Overhead, TrainingLocation.Gpu, UsableMemory.GpuContextReserveBytes,
            $"{ByteSize.FormatGiB(UsableMemory.GpuContextReserveBytes)} per process",
            "CUDA context and cuBLAS workspace; about 300 MB with lazy module loading (pytorch/pytorch#107667), 0.47–0.92 GB on A100 (stas00, ML Engineering)");
        return items;
    }

    /// <summary>Where state of <paramref name="kind"/> lives: on the GPU, or offloaded to host memory or NVMe.</summary>
    private static TrainingLocation Placement(ParallelLayout layout, OffloadKind kind, TrainingLocation offloadTo) =>
        layout.Offload == OffloadKind.Parameters || layout.Offload == kind && kind == OffloadKind.Optimizer ? offloadTo : TrainingLocation.Gpu;

    private static string Shard(ParallelLayout layout)
    {
        var parts = new List<string>();
        if (layout.PipelineParallel > 1)
            parts.Add($"one of {layout.PipelineParallel} pipeline stages");
        if (layout.TensorParallel > 1)
            parts.Add($"matrices ÷ {layout.TensorParallel} tensor-parallel");
        if (layout.ExpertParallel > 1)
            parts.Add($"routed experts ÷ {layout.ExpertParallel} expert-parallel");
        return parts.Count == 0 ? "" : " (" + string.Join("; ", parts) + ")";
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The rule of thumb <c>(x + y + 12) × N</c> with x and y the precision's weight and gradient bytes.</summary>
    public static RuleOfThumb QuickModelStates(TrainingPrecision precision, long parameters)
    {
        var p = PrecisionBytes.Of(precision);
        long bytes = checked((p.WeightBytes + p.GradientBytes + 12L) * parameters);
        return new RuleOfThumb(p.WeightBytes, p.GradientBytes, parameters, bytes,
            $"({p.WeightBytes} + {p.GradientBytes} + 12) × {Count(parameters)} = {ByteSize.FormatGB(bytes)}",
            "full fine-tune with AdamW (12 B: fp32 master copy, m and v), nothing sharded, no activations, no runtime overhead");
    }

    private static CheckpointSizes Checkpoint(TrainingOptions o, TensorSizer sizer, long total, long trainable)
    {
        if (o.Method != TrainingMethod.Full)
        {
            var a = PrecisionBytes.OfAdapters(o.Precision);
            long adapter = checked(trainable * a.WeightBytes);
            return new CheckpointSizes(adapter, $"adapter only: {Count(trainable)} parameters × {a.WeightBytes} B",
                checked(adapter + sizer.UnshardedStateBytes), $"adapter + optimizer states {ByteSize.FormatGB(sizer.UnshardedStateBytes)}");
        }
        int weightBytes = o.Precision == TrainingPrecision.Fp32 ? 4 : 2;
        long weights = checked(total * weightBytes);
        long master = checked(total * (long)PrecisionBytes.Of(o.Precision).MasterBytes);
        return new CheckpointSizes(weights, $"{Count(total)} parameters × {weightBytes} B",
            checked(weights + master + sizer.UnshardedStateBytes),
            $"weights + fp32 master {ByteSize.FormatGB(master)} + optimizer states {ByteSize.FormatGB(sizer.UnshardedStateBytes)}");
    }

    private static List<EstimateInput> Settings(TrainingOptions o, TensorSizer sizer)
    {
        var l = o.Layout;
        var list = new List<EstimateInput>
        {
            new("method", o.Method.ToString().ToLowerInvariant()),
            new("precision", PrecisionBytes.Describe(o.Precision)),
            new("optimizer", Optimizer.Name(o.Optimizer)),
            new("sequence", $"{o.SequenceTokens} tokens"),
            new("micro-batch", o.MicroBatch.ToString(CultureInfo.InvariantCulture)),
            new("gradient accumulation", o.GradientAccumulation.ToString(CultureInfo.InvariantCulture)),
            new("recomputation", o.Recompute.ToString().ToLowerInvariant()),
            new("attention", o.Attention == AttentionKernel.Flash ? "flash (SDPA)" : "eager"),
            new("GPUs", $"{l.Gpus} = tensor {l.TensorParallel} × pipeline {l.PipelineParallel} × data {l.DataParallel}" + (l.ExpertParallel > 1 ? $", experts over {l.ExpertParallel}" : "")),
            new("ZeRO", l.ZeroStage == 0 ? "0 (DDP)" : l.ZeroStage.ToString(CultureInfo.InvariantCulture)),
        };
        if (l.Offload != OffloadKind.None)
            list.Add(new("offload", $"{(l.Offload == OffloadKind.Optimizer ? "optimizer" : "optimizer and parameters")} to {(l.OffloadTo == OffloadDevice.Nvme ? "NVMe" : "CPU")}, {l.RanksPerNode} GPUs per node"));
        if (o.Method != TrainingMethod.Full)
            list.Add(new("LoRA", $"rank {o.LoraRank} on {o.LoraTargets} ({sizer.AdaptedMatrices} matrices)"));
        if (o.ChunkedLoss)
            list.Add(new("loss", "chunked cross-entropy"));
        if (o.OptimizerInBackward)
            list.Add(new("optimizer in backward", "on"));
        return list;
    }

    private static List<string> Notes(ModelSpec spec, TrainingOptions o, int mostLoadedStage, ActivationEstimate activations)
    {
        var notes = new List<string>(activations.Notes);
        var l = o.Layout;
        if (l.ZeroStage == 3 && l.Gpus == 1)
            notes.Add("ZeRO-3 on one GPU shards nothing: every rank's share is the whole model. It only helps with offload or more GPUs.");
        if (l.ZeroStage >= 1 && l.DataParallel == 1 && l.Gpus > 1)
            notes.Add($"ZeRO shards over the data-parallel ranks, and there is only one (tensor {l.TensorParallel} × pipeline {l.PipelineParallel} = {l.Gpus} GPUs).");
        if (l.PipelineParallel > 1)
            notes.Add($"Per-GPU memory is that of the most loaded pipeline stage (stage {mostLoadedStage + 1} of {l.PipelineParallel}), with the first stage's activations "
                + $"(1F1B keeps {Math.Min(l.PipelineParallel, o.GradientAccumulation)} micro-batches in flight there): an upper bound.");
        if (Optimizer.IsPaged(o.Optimizer))
            notes.Add("Paged optimizer states live in CUDA unified memory: they count against the GPU until memory runs short, then page to host RAM; "
                + "PyTorch's memory counters (torch.cuda.max_memory_allocated) do not see them.");
        if (l.Offload != OffloadKind.None)
            notes.Add("DeepSpeed also reserves pinned host buffers and communication buckets (reduce_bucket_size, stage3_prefetch_bucket_size) not counted here.");
        if (l.Gpus > 1)
            notes.Add("NCCL communicator buffers (hundreds of MB to a few GB per GPU) and allocator fragmentation are not counted.");
        if (o.Method != TrainingMethod.Full && spec.Moe is not null && o.LoraTargets.Names.Overlaps(["gate", "up", "down"]))
            notes.Add("LoRA on gate/up/down adapts every routed expert's matrices too, as PEFT does when experts are separate nn.Linear modules.");
        return notes;
    }
}
