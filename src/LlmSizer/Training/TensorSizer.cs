using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Training;

/// <summary>What one GPU of a pipeline stage holds of the model states, summed tensor by tensor (bytes, elements).</summary>
internal sealed class StageStates
{
    public long TrainableElements;
    public long FrozenElements;
    public long TrainableWeightBytes;
    public long FrozenWeightBytes;
    public long CastCopyBytes;
    public long GradientBytes;
    public long DdpBucketBytes;
    public long MasterBytes;
    public long StateBytes;
    public long OffloadedFp32GradientBytes;

    /// <summary>The model-state bytes this stage keeps on each of its GPUs (what decides the most loaded stage).</summary>
    public long GpuBytes(ParallelLayout layout)
    {
        long bytes = CastCopyBytes + GradientBytes + DdpBucketBytes;
        if (layout.Offload != OffloadKind.Parameters)
            bytes += TrainableWeightBytes + FrozenWeightBytes;
        if (layout.Offload == OffloadKind.None)
            bytes += MasterBytes + StateBytes;
        return bytes;
    }
}

/// <summary>
/// Places each tensor on its pipeline stage(s) and sizes its share on one GPU: tensor parallelism splits matrices, expert
/// parallelism splits routed experts, ZeRO splits what its stage partitions over the data-parallel ranks (experts over the
/// ranks that share them).
/// </summary>
internal sealed class TensorSizer
{
    private readonly ModelSpec spec;
    private readonly TrainingOptions options;
    private readonly ParallelLayout layout;
    private readonly int layersPerStage;
    private readonly Bnb4BitFormat? nf4;
    private readonly QuantizedTensors quantized;

    public TensorSizer(ModelSpec spec, TrainingOptions options, IReadOnlyList<TrainingTensor> tensors)
    {
        this.spec = spec;
        this.options = options;
        layout = options.Layout;
        layersPerStage = (spec.Layers + layout.PipelineParallel - 1) / layout.PipelineParallel;
        Bytes = options.Method == TrainingMethod.Full ? PrecisionBytes.Of(options.Precision) : PrecisionBytes.OfAdapters(options.Precision);
        if (options.Method == TrainingMethod.Qlora)
        {
            nf4 = new Bnb4BitFormat("nf4", doubleQuant: true, "bfloat16");
            quantized = nf4.Quantizes(spec.Moe is not null);
        }
        Measure(tensors);
    }

    /// <summary>Bytes per trainable parameter (the model's for a full fine-tune, the adapters' for LoRA).</summary>
    public PrecisionBytes Bytes { get; }

    public long AdapterParameters { get; private set; }

    public long AdaptedMatrices { get; private set; }

    /// <summary>Optimizer states of every trainable parameter, nothing sharded (what a resumable checkpoint stores).</summary>
    public long UnshardedStateBytes { get; private set; }

    public long LargestTrainableElements { get; private set; }

    /// <summary>The largest unit ZeRO-3 gathers at once: a decoder block, or a tensor outside the blocks (the embedding).</summary>
    public long LargestUnitElements { get; private set; }

    public string LargestUnitName { get; private set; } = "";

    /// <summary>Bytes of the gathered unit: its weights as stored, plus its gradients when they are trainable.</summary>
    public long GatheredBytes { get; private set; }

    public long LargestQuantizedElements { get; private set; }

    public long DequantizeBufferBytes => checked(LargestQuantizedElements * 2);

    private int DataParallel => layout.DataParallel;

    private bool Peft => options.Method != TrainingMethod.Full;

    /// <summary>The stages holding <paramref name="tensor"/>: its block's, the first for embeddings, the last for the head; a tied head is copied to the last stage.</summary>
    public IEnumerable<int> StagesOf(TrainingTensor tensor)
    {
        int last = layout.PipelineParallel - 1;
        if (tensor.Layer >= 0)
            return [tensor.Layer / layersPerStage];
        bool front = tensor.Kind is TensorKind.TokenEmbedding or TensorKind.PositionEmbedding || tensor.Name.StartsWith("token_embd", StringComparison.Ordinal)
            || tensor.Name.StartsWith("project_in", StringComparison.Ordinal);
        if (!front)
            return [last];
        // Megatron keeps the tied output matrix as a copy of the embedding on the last stage.
        return tensor.Kind == TensorKind.TokenEmbedding && spec.TiedEmbeddings && last > 0 ? [0, last] : [0];
    }

    public void Add(StageStates stage, TrainingTensor tensor)
    {
        long split = Split(tensor);
        long group = Group(tensor);
        long elements = Ceil(tensor.Elements, split);
        int z = layout.ZeroStage;
        if (!Peft)
        {
            stage.TrainableElements += elements;
            stage.TrainableWeightBytes += Shard(elements * Bytes.WeightBytes, group, z >= 3);
            stage.CastCopyBytes += Shard(elements * Bytes.CastCopyBytes, group, z >= 3);
            AddTrainable(stage, elements, States(tensor, split), group);
            return;
        }
        stage.FrozenElements += elements;
        stage.FrozenWeightBytes += Shard(Ceil(FrozenBytes(tensor), split), group, z >= 3);
        if (!options.LoraTargets.Adapts(tensor))
            return;
        long adapter = Ceil(LoraTargets.AdapterParameters(tensor, options.LoraRank), split);
        stage.TrainableElements += adapter;
        stage.TrainableWeightBytes += Shard(adapter * Bytes.WeightBytes, group, z >= 3);
        AddTrainable(stage, adapter, Ceil(AdapterStates(tensor), split), group);
    }

    private void AddTrainable(StageStates stage, long elements, long states, long group)
    {
        int z = layout.ZeroStage;
        stage.GradientBytes += Shard(elements * Bytes.GradientBytes, group, z >= 2);
        stage.MasterBytes += Shard(elements * Bytes.MasterBytes, group, z >= 1);
        stage.StateBytes += Shard(states, group, z >= 1);
        if (layout.Offload != OffloadKind.None)
            stage.OffloadedFp32GradientBytes += Shard(elements * 4, group, true);
    }

    /// <summary>Gradient-side rules that depend on the stage's totals: optimizer-in-backward and DDP's bucket copy.</summary>
    public void Finish(StageStates stage)
    {
        if (options.OptimizerInBackward)
            stage.GradientBytes = Math.Min(stage.GradientBytes, LargestTrainableElements * Bytes.GradientBytes);
        else if (layout.ZeroStage == 0 && DataParallel > 1)
            stage.DdpBucketBytes = stage.GradientBytes;
    }

    private void Measure(IReadOnlyList<TrainingTensor> tensors)
    {
        var unitElements = new Dictionary<int, long>();
        var unitBytes = new Dictionary<int, long>();
        long bestOutside = 0, bestOutsideBytes = 0;
        string bestOutsideName = "";
        foreach (var t in tensors)
        {
            long split = Split(t);
            long share = Ceil(t.Elements, split);
            bool adapted = Peft && options.LoraTargets.Adapts(t);
            long trainable = !Peft ? share : adapted ? Ceil(LoraTargets.AdapterParameters(t, options.LoraRank), split) : 0;
            if (adapted)
            {
                AdapterParameters += LoraTargets.AdapterParameters(t, options.LoraRank);
                AdaptedMatrices += t.Stack;
                UnshardedStateBytes += AdapterStates(t);
            }
            else if (!Peft)
            {
                UnshardedStateBytes += States(t, 1);
            }
            LargestTrainableElements = Math.Max(LargestTrainableElements, trainable);
            if (nf4 is not null && IsQuantized(t))
                LargestQuantizedElements = Math.Max(LargestQuantizedElements, t.Out * t.In);

            long stored = Peft ? Ceil(FrozenBytes(t), split) + trainable * Bytes.WeightBytes : share * Bytes.WeightBytes;
            long bytes = stored + trainable * (Peft ? 0 : Bytes.GradientBytes);
            if (t.Layer >= 0)
            {
                unitElements[t.Layer] = unitElements.GetValueOrDefault(t.Layer) + share;
                unitBytes[t.Layer] = unitBytes.GetValueOrDefault(t.Layer) + bytes;
            }
            else if (share > bestOutside)
            {
                (bestOutside, bestOutsideBytes, bestOutsideName) = (share, bytes, t.Name);
            }
        }
        LargestUnitElements = bestOutside;
        GatheredBytes = bestOutsideBytes;
        LargestUnitName = bestOutsideName;
        foreach (var (layer, elements) in unitElements)
        {
            if (elements > LargestUnitElements)
            {
                LargestUnitElements = elements;
                GatheredBytes = unitBytes[layer];
                LargestUnitName = $"decoder layer {layer}";
            }
        }
    }

    private bool IsQuantized(TrainingTensor t) => t.IsMatrix && (
        t.IsExperts ? quantized.HasFlag(QuantizedTensors.Experts)
        : t.Kind == TensorKind.Router ? quantized.HasFlag(QuantizedTensors.Routers)
        : t.IsLinear && quantized.HasFlag(QuantizedTensors.Projections));

    /// <summary>A frozen base tensor as held in memory: NF4 (without the file-only JSON state) for QLoRA's linear layers, else 16 (or 32) bits.</summary>
    private long FrozenBytes(TrainingTensor t)
    {
        if (nf4 is not null && IsQuantized(t))
        {
            return nf4.Store(t.Out, t.In, t.Stack)
                .Where(s => !s.Suffix.StartsWith("weight.quant_state", StringComparison.Ordinal))
                .Sum(s => s.Bytes);
        }
        return checked(t.Elements * PrecisionBytes.FrozenWeightBytes(options.Precision));
    }

    private long States(TrainingTensor t, long split) => t.IsMatrix
        ? Optimizer.StateBytes(options.Optimizer, Ceil(t.Elements, split), Ceil(t.Out, t.IsExperts ? 1 : split), t.In,
            Ceil(t.Stack, t.IsExperts ? split : 1), Bytes.StateBytes)
        : Optimizer.StateBytes(options.Optimizer, Ceil(t.Elements, split), 0, 0, 1, Bytes.StateBytes);

    /// <summary>Optimizer states of a tensor's adapter: A (r × in) and B (out × r) for each stacked matrix.</summary>
    private long AdapterStates(TrainingTensor t)
    {
        int r = options.LoraRank;
        return checked(Optimizer.StateBytes(options.Optimizer, t.Stack * r * t.In, r, t.In, t.Stack, Bytes.StateBytes)
            + Optimizer.StateBytes(options.Optimizer, t.Stack * r * t.Out, t.Out, r, t.Stack, Bytes.StateBytes));
    }

    /// <summary>How many GPUs of a stage split this tensor: matrices over the tensor-parallel group, routed experts also over the expert-parallel ranks.</summary>
    private long Split(TrainingTensor t) => (t.IsMatrix ? layout.TensorParallel : 1L) * (t.IsExperts ? layout.ExpertParallel : 1L);

    /// <summary>The data-parallel ranks ZeRO shards this tensor's state over (routed experts: those holding the same experts).</summary>
    private long Group(TrainingTensor t) => t.IsExperts ? DataParallel / layout.ExpertParallel : DataParallel;

    private static long Shard(long bytes, long group, bool sharded) => sharded ? Ceil(bytes, group) : bytes;

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
