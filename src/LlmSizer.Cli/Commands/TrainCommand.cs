using System.CommandLine;
using System.Globalization;
using LlmSizer.Cli.Rendering;
using LlmSizer.Requests;

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
            var request = new TrainRequest
            {
                Method = parse.GetValue(method),
                Optimizer = parse.GetValue(optimizer),
                Precision = parse.GetValue(precision),
                LoraRank = parse.GetValue(rank),
                LoraTargets = parse.GetValue(targets),
                Seq = parse.GetValue(seq),
                MicroBatch = parse.GetValue(microBatch),
                GradAccum = parse.GetValue(gradAccum),
                Recompute = parse.GetValue(recompute),
                Attention = parse.GetValue(attention),
                ChunkedLoss = parse.GetValue(chunkedLoss),
                OptimizerInBackward = parse.GetValue(optimizerInBackward),
                Zero = parse.GetValue(zero),
                Offload = parse.GetValue(offload),
                OffloadDevice = parse.GetValue(offloadDevice),
                Tp = parse.GetValue(tp),
                Pp = parse.GetValue(pp),
                Ep = parse.GetValue(ep),
                SequenceParallel = parse.GetValue(sp),
                Gpus = parse.GetValue(gpus),
                GpusPerNode = parse.GetValue(gpusPerNode),
                Device = parse.GetValue(device),
                GpuMemory = parse.GetValue(gpuMemory),
                Tokens = parse.GetValue(tokens),
                Mfu = parse.GetValue(mfu),
                Price = parse.GetValue(price),
            }.Resolve(FieldStyle.Cli);
            var source = InspectCommand.Open(parse.GetValue(model)!);
            var report = request.Build(source);
            bool withExplain = parse.GetValue(explain);
            return output.Emit(report, c => c.TrainReport, (r, console) => TrainRenderer.Render(r, console, withExplain));
        });
        return command;
    }
}
