using LlmSizer.Errors;

namespace LlmSizer.Training;

/// <summary>
/// How a training run spreads over <see cref="Gpus"/> GPUs: tensor-parallel groups of <see cref="TensorParallel"/>, pipeline stages
/// <see cref="PipelineParallel"/>, the rest data-parallel (<see cref="DataParallel"/>), with ZeRO sharding across the data-parallel
/// ranks and routed experts spread over <see cref="ExpertParallel"/> of them.
/// </summary>
public sealed record ParallelLayout
{
    public int Gpus { get; init; } = 1;

    public int TensorParallel { get; init; } = 1;

    public int PipelineParallel { get; init; } = 1;

    /// <summary>Routed experts are split over this many data-parallel ranks (Megatron/DeepSpeed expert parallelism).</summary>
    public int ExpertParallel { get; init; } = 1;

    /// <summary>Megatron sequence parallelism: the tensor-parallel group also splits the norms' and dropouts' activations.</summary>
    public bool SequenceParallel { get; init; }

    /// <summary>ZeRO stage over the data-parallel ranks: 0 (plain DDP), 1 (optimizer states), 2 (+ gradients), 3 (+ parameters; FSDP full shard).</summary>
    public int ZeroStage { get; init; }

    public OffloadKind Offload { get; init; } = OffloadKind.None;

    public OffloadDevice OffloadTo { get; init; } = OffloadDevice.Cpu;

    /// <summary>GPUs per node; offloaded state of all of a node's ranks shares its RAM.</summary>
    public int GpusPerNode { get; init; } = 8;

    /// <summary>Data-parallel ranks: GPUs / (tensor × pipeline).</summary>
    public int DataParallel => Gpus / (TensorParallel * PipelineParallel);

    /// <summary>GPUs whose offloaded state shares one node's memory.</summary>
    public int RanksPerNode => Math.Min(Gpus, GpusPerNode);

    /// <summary>Fails on a layout that cannot be built, naming the option.</summary>
    public void Validate(int attentionHeads, int keyValueHeads, int layers, int? routedExperts)
    {
        Positive(Gpus, "--gpus");
        Positive(TensorParallel, "--tp");
        Positive(PipelineParallel, "--pp");
        Positive(ExpertParallel, "--ep");
        Positive(GpusPerNode, "--gpus-per-node");
        if (ZeroStage is < 0 or > 3)
            throw new UsageException($"--zero: expected 0, 1, 2 or 3, found {ZeroStage}");
        if (Gpus % (TensorParallel * PipelineParallel) != 0)
            throw new UsageException($"--gpus {Gpus} is not a multiple of --tp {TensorParallel} × --pp {PipelineParallel}");
        if (attentionHeads % TensorParallel != 0)
            throw new UsageException($"--tp {TensorParallel} does not divide the model's {attentionHeads} attention heads");
        if (keyValueHeads > 0 && keyValueHeads % TensorParallel != 0 && TensorParallel % keyValueHeads != 0)
            throw new UsageException($"--tp {TensorParallel} neither divides nor is a multiple of the model's {keyValueHeads} key/value heads");
        if (PipelineParallel > layers)
            throw new UsageException($"--pp {PipelineParallel} is more pipeline stages than the model's {layers} layers");
        if (ExpertParallel > 1)
        {
            if (routedExperts is not { } experts)
                throw new UsageException($"--ep {ExpertParallel}: the model has no routed experts");
            if (experts % ExpertParallel != 0)
                throw new UsageException($"--ep {ExpertParallel} does not divide the model's {experts} routed experts");
            if (DataParallel % ExpertParallel != 0)
                throw new UsageException($"--ep {ExpertParallel} does not divide the {DataParallel} data-parallel ranks it is taken from");
        }
        if (Offload != OffloadKind.None && ZeroStage < 2)
            throw new UsageException($"--offload {(Offload == OffloadKind.Optimizer ? "optimizer" : "params")} needs --zero 2 or 3 (DeepSpeed ZeRO-Offload)");
        if (Offload == OffloadKind.Parameters && ZeroStage != 3)
            throw new UsageException("--offload params needs --zero 3 (only ZeRO-3 partitions parameters)");
        if (SequenceParallel && TensorParallel == 1)
            throw new UsageException("--sequence-parallel splits activations over the tensor-parallel group; give --tp 2 or more");
    }

    private static void Positive(int value, string option)
    {
        if (value < 1)
            throw new UsageException($"{option}: expected 1 or more, found {value}");
    }
}
