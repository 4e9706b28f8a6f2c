using System.Runtime.CompilerServices;
using LlmSizer.Formats;
using LlmSizer.Precision;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// Where llama.cpp puts each weight and what its model buffers come to (src/llama-model.cpp <c>load_tensors</c>,
/// src/llama-model-loader.cpp <c>create_tensor</c>, ggml-cpu/repack.cpp):
/// <list type="bullet">
/// <item>the input layer (<c>token_embd</c>, learned positions) always stays on the CPU;</item>
/// <item>blocks <c>il ≥ max(n_layer + 1 − ngl, 0)</c> and the output layer (when ngl ≥ 1) go to the GPU;</item>
/// <item>a tied output matrix is <c>token_embd</c> loaded a second time into the output layer's buffer when that buffer differs
/// (the GPU, or the CPU's repack buffer);</item>
/// <item>CPU-resident weights of a memory-mapped model are a view of the file: the <c>CPU_Mapped</c> buffer spans from the first
/// to the last byte of those tensors in the file, gaps included;</item>
/// <item>with <c>--no-mmap</c> they are read into a <c>CPU</c> buffer instead: each tensor's bytes, aligned to 32;</item>
/// <item>on a CPU-only build, matrices the CPU backend repacks are copied into a <c>CPU_REPACK</c> buffer (their file bytes stay
/// mapped, inside the mapped span);</item>
/// <item>GPU buffers hold each tensor padded to 128 bytes, quantized ones with their last row padded to 512 values
/// (ggml-cuda.cu's allocation size).</item>
/// </list>
/// </summary>
internal static class LlamaCppWeights
{
    /// <summary>GGUF's default data alignment: each tensor starts at a multiple of it (files may set another; the inventory does not carry it).</summary>
    private const int FileAlignment = 32;

    /// <summary>ggml's CPU buffers align tensors to 32 bytes (TENSOR_ALIGNMENT).</summary>
    private const int CpuAlignment = 32;

    /// <summary>CUDA buffers align tensors to 128 bytes.</summary>
    private const int GpuAlignment = 128;

    /// <summary>CUDA pads quantized rows to a multiple of this many values (MATRIX_ROW_PADDING).</summary>
    private const int GpuRowPadding = 512;

    /// <summary>One model buffer as llama.cpp logs it: <c>NAME model buffer size</c>.</summary>
    public sealed record Buffer(string Name, string Device, long Bytes, int Tensors, string Formula);

    /// <summary>
    /// What placement needs of each tensor, worked out once per inventory: fit searches estimate the same weights at many
    /// <c>-ngl</c> values, and parsing names and padding rows per call would dominate them.
    /// </summary>
    private sealed class Facts
    {
        public required int BlockCount;
        public required TensorLayer[] Layers;
        public required long[] FileStarts;
        public required long[] GpuBytes;
        public required bool[] Matrices;
        public required bool[] Experts;
        /// <summary>Tensors of blocks past the last layer (multi-token prediction), which llama.cpp does not load.</summary>
        public required bool[] Skipped;
        public required int TokenEmbedding;
        public required List<int> RopeTables;
        public required bool HasOutput;
    }

    private static readonly ConditionalWeakTable<TensorInventory, Facts> FactsByInventory = [];

    private static Facts FactsOf(TensorInventory weights, int layers)
    {
        if (FactsByInventory.TryGetValue(weights, out var known) && known.BlockCount == layers)
            return known;
        int n = weights.Tensors.Count;
        var facts = new Facts
        {
            BlockCount = layers, Layers = new TensorLayer[n], FileStarts = new long[n], GpuBytes = new long[n], Matrices = new bool[n], Experts = new bool[n], Skipped = new bool[n],
            TokenEmbedding = -1, HasOutput = false, RopeTables = [],
        };
        long offset = 0;
        // A file holds a handful of types, alternating block by block; each name string is looked up once.
        var types = new List<(string Name, GgmlType? Type)>(8);
        for (int i = 0; i < n; i++)
        {
            var t = weights.Tensors[i];
            facts.FileStarts[i] = Align(offset, FileAlignment);
            offset = facts.FileStarts[i] + t.Bytes;
            int block = BlockOf(t.Name);
            facts.Layers[i] = LayerOf(t.Name, layers);
            facts.GpuBytes[i] = GpuBytes(t, TypeOf(t.Type, types));
            facts.Experts[i] = t.Name.Contains("_exps", StringComparison.Ordinal);
            facts.Matrices[i] = IsMatrix(t, facts.Experts[i]);
            // Blocks past the model's layers: multi-token prediction.
            facts.Skipped[i] = block >= layers;
            if (t.Name == "token_embd.weight")
                facts.TokenEmbedding = i;
            if (t.Name == "output.weight")
                facts.HasOutput = true;
            if (t.Name is "rope_freqs.weight" or "rope_factors_long.weight" or "rope_factors_short.weight")
                facts.RopeTables.Add(i);
        }
        FactsByInventory.AddOrUpdate(weights, facts);
        return facts;
    }

    public static IReadOnlyList<Buffer> Place(TensorInventory weights, int layers, LlamaCppSettings settings, List<string> notes)
    {
        int gpuStart = settings.GpuStart(layers);
        bool outputOnGpu = settings.GpuLayers >= 1;
        var machine = settings.Machine;
        var facts = FactsOf(weights, layers);

        long mappedFirst = long.MaxValue, mappedLast = long.MinValue, mappedSum = 0;
        long repack = 0, gpu = 0, host = 0;
        int repackCount = 0, gpuCount = 0, mappedCount = 0;
        TensorInfo? tokenEmbedding = facts.TokenEmbedding >= 0 ? weights.Tensors[facts.TokenEmbedding] : null;
        bool hasOutput = facts.HasOutput, skipped = false;

        for (int i = 0; i < weights.Tensors.Count; i++)
        {
            // Blocks past the model's layers are multi-token-prediction layers (Qwen3-Next's nextn block): llama.cpp creates
            // them with TENSOR_SKIP unless a draft context asks for them, so they take no memory.
            if (facts.Skipped[i])
            {
                skipped = true;
                continue;
            }
            if (OnGpu(facts, i, gpuStart, outputOnGpu, settings.CpuMoeLayers))
            {
                gpu += facts.GpuBytes[i];
                gpuCount++;
                continue;
            }
            var t = weights.Tensors[i];
            if (facts.Matrices[i] && machine.Repacks(t.Type, Rows(t)))
            {
                repack += Align(t.Bytes, CpuAlignment);
                repackCount++;
                continue;
            }
            long start = facts.FileStarts[i];
            mappedFirst = Math.Min(mappedFirst, start);
            mappedLast = Math.Max(mappedLast, start + t.Bytes);
            mappedSum += t.Bytes;
            host += Align(t.Bytes, CpuAlignment);
            mappedCount++;
        }

        if (skipped)
            notes.Add("multi-token-prediction tensors (blocks past the last layer) are not loaded: llama.cpp skips them unless speculative decoding uses them");

        // Blocks on different devices each load their own copy of the rope frequency factors (TENSOR_DUPLICATED per layer).
        if (facts.RopeTables.Count > 0 && gpuStart > 0 && gpuStart < layers)
        {
            foreach (int i in facts.RopeTables)
            {
                // LayerOf puts them with block 0; the GPU blocks get a copy as well.
                gpu += facts.GpuBytes[i];
                gpuCount++;
            }
        }

        // A tied output matrix: the output layer loads token_embd again unless it lands in the very buffer token_embd is in.
        if (!hasOutput && tokenEmbedding is { } embd)
        {
            if (outputOnGpu)
            {
                gpu += facts.GpuBytes[facts.TokenEmbedding];
                gpuCount++;
                notes.Add($"tied embeddings: the output layer on the GPU holds its own copy of token_embd.weight ({embd.Bytes:N0} bytes) while the input copy stays on the CPU");
            }
            else if (machine.Repacks(embd.Type, Rows(embd)))
            {
                repack += Align(embd.Bytes, CpuAlignment);
                repackCount++;
                notes.Add($"tied embeddings: the output matrix is token_embd.weight repacked for the CPU's matrix kernels, a second copy ({embd.Bytes:N0} bytes) beside the mapped one that token lookups read");
            }
        }

        var buffers = new List<Buffer>();
        if (mappedCount > 0 && !settings.Mmap)
        {
            buffers.Add(new Buffer("CPU", "CPU", host, mappedCount,
                $"Σ bytes of {mappedCount} CPU-resident tensors read into memory (--no-mmap), each aligned to {CpuAlignment}"));
        }
        else if (mappedCount > 0)
        {
            long first = mappedFirst, last = mappedLast, sum = mappedSum;
            buffers.Add(new Buffer("CPU_Mapped", "CPU", last - first, mappedCount,
                last - first == sum
                    ? $"the file bytes of {mappedCount} CPU-resident tensors, mapped"
                    : $"file span of {mappedCount} CPU-resident tensors, mapped: last byte − first byte = {last - first:N0} (tensors {sum:N0}; the span also covers tensors stored between them)"));
        }
        if (repackCount > 0)
            buffers.Add(new Buffer("CPU_REPACK", "CPU", repack, repackCount,
                $"Σ bytes of {repackCount} matrices the CPU backend repacks, each aligned to {CpuAlignment}"));
        if (gpuCount > 0)
            buffers.Add(new Buffer("GPU", "GPU", gpu, gpuCount,
                $"Σ bytes of {gpuCount} offloaded tensors, quantized rows padded to {GpuRowPadding} values, each aligned to {GpuAlignment}"));
        return buffers;
    }

    private static bool OnGpu(Facts facts, int i, int gpuStart, bool outputOnGpu, int cpuMoeLayers)
    {
        var layer = facts.Layers[i];
        return layer.IsInput ? false : layer.IsOutput ? outputOnGpu
            : layer.Block >= gpuStart && !(facts.Experts[i] && layer.Block < cpuMoeLayers);
    }

    /// <summary>
    /// Bytes of the largest weight matrix that stays in system RAM while layers are offloaded (a GPU build with some weights on
    /// the CPU): ggml's scheduler runs a matrix product of a micro-batch of 32 tokens or more on the GPU even when its weights
    /// live in RAM, copying them into the GPU's compute buffer first (ggml-cuda.cu <c>offload_op</c>, minimum batch 32), so that
    /// buffer holds one copy of the largest such matrix. Token embeddings are looked up by row, never multiplied; 0 when
    /// nothing is offloaded or nothing stays behind.
    /// </summary>
    public static long LargestHostMatrix(TensorInventory weights, int layers, LlamaCppSettings settings)
    {
        if (settings.GpuLayers == 0 || !settings.Machine.HasGpu)
            return 0;
        var facts = FactsOf(weights, layers);
        int gpuStart = settings.GpuStart(layers);
        long largest = 0;
        for (int i = 0; i < weights.Tensors.Count; i++)
            if (facts.Matrices[i] && !facts.Skipped[i] && !OnGpu(facts, i, gpuStart, settings.GpuLayers >= 1, settings.CpuMoeLayers))
                largest = Math.Max(largest, weights.Tensors[i].Bytes);
        return largest;
    }

    private static GgmlType? TypeOf(string name, List<(string Name, GgmlType? Type)> seen)
    {
        foreach (var (known, type) in seen)
            if (ReferenceEquals(known, name))
                return type;
        var found = GgmlType.FromName(name);
        seen.Add((name, found));
        return found;
    }

    /// <summary>The N of a <c>blk.N.</c> tensor (up to 8 digits), or -1.</summary>
    private static int BlockOf(string name)
    {
        if (!name.StartsWith("blk.", StringComparison.Ordinal))
            return -1;
        // The block number by hand: this runs for every tensor of every new inventory.
        int block = 0, i = 4;
        while (i < name.Length && i < 12 && char.IsAsciiDigit(name[i]))
            block = block * 10 + (name[i++] - '0');
        return i > 4 && i < name.Length && name[i] == '.' ? block : -1;
    }

    /// <summary>Which llama.cpp layer a tensor belongs to (llm_tensor_info: input, output or a repeating block).</summary>
    internal static TensorLayer LayerOf(string name, int layers)
    {
        if (BlockOf(name) is >= 0 and int block)
            return new TensorLayer(Math.Min(block, layers - 1));
        if (name.StartsWith("token_embd", StringComparison.Ordinal) || name.StartsWith("position_embd", StringComparison.Ordinal)
            || name.StartsWith("token_types", StringComparison.Ordinal))
            return TensorLayer.Input;
        // rope frequency factors are loaded with each block; block 0 holds the first copy.
        if (name.StartsWith("rope_", StringComparison.Ordinal))
            return new TensorLayer(0);
        return TensorLayer.Output;
    }

    /// <summary>A weight used as the left operand of a matrix product (2-D) or of the experts' indexed product (3-D).</summary>
    private static bool IsMatrix(TensorInfo t, bool experts)
    {
        if (t.Role != TensorRole.Weight || t.Name.StartsWith("token_embd", StringComparison.Ordinal)
            || t.Name.StartsWith("position_embd", StringComparison.Ordinal) || t.Name.Contains("norm", StringComparison.Ordinal)
            || !t.Name.EndsWith(".weight", StringComparison.Ordinal))
            return false;
        return t.Shape.Count == 2 || (t.Shape.Count == 3 && experts);
    }

    /// <summary>ggml's ne[1]: rows of a 2-D matrix (or per expert of a 3-D one); Shape lists dimensions outermost first.</summary>
    private static long Rows(TensorInfo t) => t.Shape.Count >= 2 ? t.Shape[^2] : 1;

    private static long GpuBytes(TensorInfo t, GgmlType? ggmlType)
    {
        long bytes = t.Bytes;
        if (ggmlType is { BlockElements: > 1 } type && t.Shape.Count > 0 && t.Shape[^1] % GpuRowPadding != 0)
        {
            long extra = GpuRowPadding - t.Shape[^1] % GpuRowPadding;
            bytes += (extra + type.BlockElements - 1) / type.BlockElements * type.BlockBytes;
        }
        return Align(bytes, GpuAlignment);
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>A tensor's llama.cpp layer: <see cref="Input"/>, <see cref="Output"/>, or a block index.</summary>
    internal readonly record struct TensorLayer(int Block)
    {
        public static TensorLayer Input => new(-1);

        public static TensorLayer Output => new(int.MaxValue);

        public bool IsInput => Block == -1;

        public bool IsOutput => Block == int.MaxValue;
    }
}
