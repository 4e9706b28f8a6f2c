using LlmSizer.Formats;
using LlmSizer.Inference;

namespace LlmSizer.Hardware.Fit;

/// <summary>
/// llama.cpp placements of one model at one setting, on any number of identical GPUs: the layers <c>-ngl</c> puts on the
/// GPUs, split between them as llama.cpp splits layers (<c>--tensor-split</c>, even for identical devices), and what each
/// device and the host then hold. Estimates are memoized per <c>-ngl</c>, so a search over layer counts, device counts or
/// devices costs one estimate per distinct <c>-ngl</c>.
/// </summary>
internal sealed class LlamaCppFit
{
    private readonly ModelSource source;
    private readonly InferenceOptions options;
    private readonly Dictionary<int, MemoryEstimate> byGpuLayers = [];

    public LlamaCppFit(ModelSource source, InferenceOptions options)
    {
        this.source = source;
        this.options = options;
        Layers = source.Model.Spec!.Layers;
    }

    /// <summary>Repeating blocks; <c>-ngl</c> runs from 0 to <see cref="Layers"/> + 1 (the output layer counts).</summary>
    public int Layers { get; }

    public MemoryEstimate At(int gpuLayers)
    {
        if (!byGpuLayers.TryGetValue(gpuLayers, out var estimate))
            byGpuLayers[gpuLayers] = estimate = InferenceEstimator.Estimate(source, options with { GpuLayers = gpuLayers });
        return estimate;
    }

    /// <summary>Weights and KV cache on the GPUs when blocks from <paramref name="firstBlock"/> on (and the output layer) are offloaded.</summary>
    private long GpuResidentFrom(int firstBlock) =>
        firstBlock > Layers ? 0 : Sum(At(Layers + 1 - firstBlock), "GPU", c => c is MemoryCategory.Weights or MemoryCategory.KvCache);

    private static long Sum(MemoryEstimate e, string device, Func<MemoryCategory, bool> category)
    {
        long sum = 0;
        foreach (var item in e.Items)
            if ((item.Device ?? "GPU") == device && category(item.Category))
                sum += item.Bytes;
        return sum;
    }

    /// <summary>
    /// What stays in system RAM at <paramref name="gpuLayers"/>: CPU-side weights (mapped or read), KV, compute and logits
    /// buffers. With mmap, the file pages of matrices the CPU backend repacked are read once at load and never again, so the OS
    /// drops them under pressure: the repacked copy replaces them rather than adding to them, although llama.cpp logs both
    /// buffers (the mapped span covers those tensors too).
    /// </summary>
    public long HostBytes(int gpuLayers) => HostBytesOf(At(gpuLayers), options.Mmap);

    /// <summary>System RAM an estimate's host side needs (see <see cref="HostBytes"/>), with or without mmap.</summary>
    public static long HostBytesOf(MemoryEstimate estimate, bool mmap)
    {
        long host = Sum(estimate, "CPU", _ => true);
        if (mmap)
            host -= estimate.Items.Where(i => i.Name == Inference.LlamaCpp.LlamaCppProfile.RepackedWeights).Sum(i => i.Bytes);
        return host;
    }

    /// <summary>
    /// Each GPU's share at <paramref name="gpuLayers"/> over <paramref name="gpus"/> devices: layer <c>il</c> (the output layer is
    /// <c>il = n_layer</c>) goes to device ⌊(il − first) · n / ngl⌋ (llama-model.cpp's cumulative split with equal shares), its
    /// weights and KV with it; every GPU that holds a layer reserves a compute buffer (the single-GPU one: an upper bound, since
    /// only the last GPU computes the logits).
    /// </summary>
    public IReadOnlyList<(long Bytes, int First, int End)> Split(int gpuLayers, int gpus)
    {
        var shares = new List<(long, int, int)>(gpus);
        if (gpuLayers <= 0)
            return [.. Enumerable.Repeat((0L, 0, 0), gpus)];
        int first = Layers + 1 - gpuLayers;
        long compute = Sum(At(gpuLayers), "GPU", c => c is MemoryCategory.Compute or MemoryCategory.Overhead);
        for (int d = 0; d < gpus; d++)
        {
            int a = first + CeilDiv(d * gpuLayers, gpus), b = first + CeilDiv((d + 1) * gpuLayers, gpus);
            long resident = GpuResidentFrom(a) - GpuResidentFrom(b);
            shares.Add((b > a ? resident + compute : 0, a, b));
        }
        return shares;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    /// <summary>The layers <c>[first, end)</c> as a reader sees them: <c>0–15</c>, <c>16–31, output</c>.</summary>
    public string Describe(int first, int end)
    {
        if (end <= first)
            return "none";
        int lastBlock = Math.Min(end, Layers) - 1;
        string blocks = lastBlock < first ? "" : lastBlock == first ? $"{first}" : $"{first}–{lastBlock}";
        return end > Layers ? (blocks.Length == 0 ? "output" : blocks + ", output") : blocks;
    }
}
