using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Inference;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>The profile's rules on their own (no llama.cpp run): padding, defaults, placement, cache layouts, refusals.</summary>
public sealed class LlamaCppProfileTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private GgufModel Open(LlamaCppTestModel model) => GgufModel.Open(model.Write(Path.Combine(folder.Path, model.Id + ".gguf")));

    private MemoryEstimate Estimate(LlamaCppTestModel model, InferenceOptions options, LlamaCppMachine? machine = null)
    {
        var m = Open(model);
        return LlamaCppProfile.Estimate(m.Spec!, m.Inventory, options, machine);
    }

    private static readonly LlamaCppTestModel Gqa = new("gqa", LlamaCppTestModels.LlamaGqa, "F16", "F16");

    [Theory]
    [InlineData(1, 256)]
    [InlineData(4000, 4096)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 4352)]
    public void Context_is_padded_to_256(int asked, int used)
    {
        var e = Estimate(Gqa, new InferenceOptions { ContextTokens = asked, GpuLayers = 0 });
        Assert.Equal(used, e.ContextTokens);
        // K and V rows of 2 KV heads × 64 dims in f16, 4 layers.
        Assert.Equal(4L * used * (2 * 128 * 2), e.KvCacheBytes);
    }

    [Fact]
    public void Each_sequence_gets_its_own_padded_stream()
    {
        var e = Estimate(Gqa, new InferenceOptions { ContextTokens = 6000, Sequences = 2, GpuLayers = 0 });
        Assert.Equal(6144, e.ContextTokens); // 6000 → 6144, / 2 = 3072 per stream
        Assert.Equal(4L * 3072 * 2 * 512, e.KvCacheBytes);
        Assert.Equal(4L * 32_000 * 2, e.Items.Single(i => i.Name == LlamaCppProfile.OutputBuffer).Bytes);
    }

    [Fact]
    public void Qwen3_next_keeps_kv_in_its_12_attention_layers_and_one_recurrent_state_per_sequence_in_the_other_36()
    {
        // llama-memory-recurrent.cpp: per recurrent layer F32 r of (4 − 1) × 8,192 values and s of 128 × 4,096 values, one row per
        // sequence: 36 × 4 × 548,864 = 79,036,416 B each, whatever the context; the KV cache spans the 12 attention layers only.
        var spec = LlmSizer.Models.ModelCatalog.Find("qwen3-next-80b-a3b")!.Spec;
        var weights = LlmSizer.Precision.GgufQuantizer.Inventory(spec, LlmSizer.Precision.GgufQuantMix.Find("Q4_K_M")!);
        foreach (var (context, sequences) in new[] { (4096, 1), (65_536, 2) })
        {
            var e = LlamaCppProfile.Estimate(spec, weights, new InferenceOptions { ContextTokens = context, Sequences = sequences, GpuLayers = 0 });
            Assert.Equal(79_036_416L * sequences, e.Items.Single(i => i.Name == LlamaCppProfile.RecurrentState).Bytes);
            Assert.Equal(12L * context * 2 * (2 * 256 * 2), e.Items.Single(i => i.Name == LlamaCppProfile.KvCache).Bytes);
        }
    }

    [Fact]
    public void Default_context_is_the_training_context_and_says_so()
    {
        var e = Estimate(Gqa, new InferenceOptions { GpuLayers = 0 });
        Assert.Equal(32_768, e.ContextTokens);
        Assert.Contains(e.Settings, s => s.Name == "context (-c)" && s.Value.Contains("training context"));
        Assert.Contains(e.Notes, n => n.Contains("training context") && n.Contains("32768"));
        foreach (string setting in new[] { "n_ctx", "n_batch (-b)", "n_ubatch (-ub)", "flash attention (-fa)", "cache types (-ctk/-ctv)", "GPU layers (-ngl)", "machine", "KV cells" })
            Assert.Contains(e.Settings, s => s.Name == setting);
        Assert.Contains(e.Settings, s => s.Name == "flash attention (-fa)" && s.Value.StartsWith("on (auto", StringComparison.Ordinal));
    }

    [Fact]
    public void Batch_and_micro_batch_are_capped_by_the_context()
    {
        var e = Estimate(Gqa, new InferenceOptions { ContextTokens = 256, GpuLayers = 0 });
        Assert.Contains(e.Settings, s => s.Name == "n_batch (-b)" && s.Value.StartsWith("256", StringComparison.Ordinal));
        Assert.Contains(e.Settings, s => s.Name == "n_ubatch (-ub)" && s.Value.StartsWith("256", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_only_weights_are_the_mapped_file_and_repacked_copies()
    {
        var q4 = new LlamaCppTestModel("q4", LlamaCppTestModels.LlamaGqa, "Q4_0", "Q6_K");
        var m = Open(q4);
        var e = LlamaCppProfile.Estimate(m.Spec!, m.Inventory, new InferenceOptions { ContextTokens = 512, GpuLayers = 0 }, LlamaCppMachine.CpuOnlyAvx2);
        var mapped = e.Items.Single(i => i.Name == LlamaCppProfile.MappedWeights);
        var repack = e.Items.Single(i => i.Name == LlamaCppProfile.RepackedWeights);
        // The Q6_K output matrix is the last tensor and is not repacked, so the mapped span is the whole data section.
        Assert.Equal(m.Files[0].Length - m.Files[0].DataOffset, mapped.Bytes);
        long q4Matrices = m.Inventory.Tensors.Where(t => t.Type == "Q4_0" && t.Name.StartsWith("blk.", StringComparison.Ordinal)).Sum(t => t.Bytes);
        Assert.Equal(q4Matrices, repack.Bytes);
        Assert.All(e.Items.Where(i => i.Category == MemoryCategory.Weights), i => Assert.Equal("CPU", i.Device));

        var noRepack = LlamaCppProfile.Estimate(m.Spec!, m.Inventory, new InferenceOptions { ContextTokens = 512, GpuLayers = 0 }, new LlamaCppMachine(false, CpuRepack.None));
        Assert.DoesNotContain(noRepack.Items, i => i.Name == LlamaCppProfile.RepackedWeights);
    }

    [Fact]
    public void Gpu_layers_offload_the_output_layer_first_and_keep_token_embd_on_the_cpu()
    {
        var m = Open(Gqa);
        long Bytes(string prefix) => m.Inventory.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(t => t.Bytes);
        MemoryEstimate At(int? ngl) => LlamaCppProfile.Estimate(m.Spec!, m.Inventory, new InferenceOptions { ContextTokens = 4096, GpuLayers = ngl });

        // ngl 1: only the output layer (output.weight, output_norm) is on the GPU; every block's KV stays on the CPU.
        var one = At(1);
        long gpu = one.Items.Single(i => i.Name == LlamaCppProfile.GpuWeights).Bytes;
        Assert.InRange(gpu, Bytes("output"), Bytes("output") + 2 * 128 + 4096);
        Assert.All(one.Items.Where(i => i.Category == MemoryCategory.KvCache), i => Assert.Equal("CPU", i.Device));

        // ngl 3: output + blocks 2 and 3 (i_gpu_start = 4 + 1 − 3 = 2).
        var three = At(3);
        var kv = three.Items.Where(i => i.Category == MemoryCategory.KvCache).ToDictionary(i => i.Device!, i => i.Bytes);
        Assert.Equal(kv["CPU"], kv["GPU"]);

        // All (default): only token_embd stays on the CPU, memory-mapped.
        var all = At(null);
        Assert.Equal(Bytes("token_embd"), all.Items.Single(i => i.Name == LlamaCppProfile.MappedWeights).Bytes);
        Assert.All(all.Items.Where(i => i.Category == MemoryCategory.KvCache), i => Assert.Equal("GPU", i.Device));
        Assert.Contains(all.Items, i => i.Name == $"{LlamaCppProfile.ComputeBuffer} GPU");
        Assert.Equal("CPU", all.Items.Single(i => i.Name == LlamaCppProfile.OutputBuffer).Device);
    }

    [Fact]
    public void Tied_embeddings_are_copied_to_the_gpu_output_layer()
    {
        var tied = new LlamaCppTestModel("tied", LlamaCppTestModels.LlamaMhaTied, "F16", "F16");
        var m = Open(tied);
        long embd = m.Inventory.Tensors.Single(t => t.Name == "token_embd.weight").Bytes;
        var e = LlamaCppProfile.Estimate(m.Spec!, m.Inventory, new InferenceOptions { ContextTokens = 512 }); // all layers offloaded
        Assert.Equal(embd, e.Items.Single(i => i.Name == LlamaCppProfile.MappedWeights).Bytes);
        Assert.True(e.Items.Single(i => i.Name == LlamaCppProfile.GpuWeights).Bytes >= embd);
        Assert.Contains(e.Notes, n => n.Contains("tied embeddings"));
    }

    [Fact]
    public void Sliding_window_layers_cache_window_plus_micro_batch_cells()
    {
        var gemma = new LlamaCppTestModel("gemma3", LlamaCppTestModels.Gemma3Swa, "F16", "F16");
        var e = Estimate(gemma, new InferenceOptions { ContextTokens = 32_768, MicroBatchTokens = 512, GpuLayers = 0 });
        var swa = e.Items.Single(i => i.Name == $"{LlamaCppProfile.KvCache} (sliding window)");
        var full = e.Items.Single(i => i.Name == LlamaCppProfile.KvCache);
        long row = 64 * 2 * 2; // one KV head of 64 dims, K and V, f16
        Assert.Equal(7L * 1024 * row, swa.Bytes);      // 7 window layers × pad256(512 + 512) cells
        Assert.Equal(1L * 32_768 * row, full.Bytes);   // layer 5 is global
    }

    [Fact]
    public void Architectures_llama_cpp_runs_without_a_window_cache_everything()
    {
        var mistral = LlamaCppTestModels.LlamaGqa with { SlidingWindow = 4096 };
        var e = Estimate(new LlamaCppTestModel("mistral", mistral, "F16", "F16"), new InferenceOptions { ContextTokens = 8192, GpuLayers = 0 });
        Assert.Equal(4L * 8192 * 512, e.KvCacheBytes);
        Assert.Contains(e.Notes, n => n.Contains("does not use the model's sliding window"));
    }

    [Fact]
    public void Multi_head_latent_attention_caches_one_latent_row_and_no_v()
    {
        var spec = Open(Gqa).Spec! with
        {
            Architecture = "deepseek_v3",
            Mla = new LlmSizer.Models.MlaSpec { KvLoraRank = 512, QkNopeHeadDim = 128, QkRopeHeadDim = 64, VHeadDim = 128 },
        };
        var e = LlamaCppProfile.Estimate(spec, Open(Gqa).Inventory, new InferenceOptions { ContextTokens = 4096, GpuLayers = 0 });
        Assert.Equal(4L * 4096 * 576 * 2, e.KvCacheBytes);
        Assert.Contains(e.Notes, n => n.Contains("latent"));
    }

    [Fact]
    public void Quantized_caches_use_block_row_sizes()
    {
        var e = Estimate(Gqa, new InferenceOptions { ContextTokens = 4096, KvTypeK = "q8_0", KvTypeV = "q4_0", GpuLayers = 0 });
        Assert.Equal(4L * 4096 * (128 / 32 * 34 + 128 / 32 * 18), e.KvCacheBytes);
        Assert.Contains(e.Settings, s => s.Name == "flash attention (-fa)" && s.Value.Contains("requires"));
    }

    [Fact]
    public void Llama_cpp_refusals_are_usage_errors()
    {
        var noFlash = Assert.Throws<UsageException>(() => Estimate(Gqa, new InferenceOptions { KvTypeV = "q8_0", FlashAttention = false }));
        Assert.Contains("flash attention", noFlash.Message);
        Assert.Contains("transposed", noFlash.Message);
        var fp8 = Assert.Throws<UsageException>(() => Estimate(Gqa, new InferenceOptions { KvTypeK = "fp8" }));
        Assert.Contains("vLLM", fp8.Message);
        Assert.Throws<UsageException>(() => Estimate(Gqa, new InferenceOptions { KvTypeK = "q9_0" }));
        Assert.Throws<UsageException>(() => Estimate(Gqa, new InferenceOptions { Engine = InferenceEngine.Vllm }));
        Assert.Throws<UsageException>(() => Estimate(Gqa, new InferenceOptions { ContextTokens = 0 }));
    }

    [Fact]
    public void Items_carry_formulas_sources_and_devices()
    {
        var e = Estimate(Gqa, new InferenceOptions { ContextTokens = 4096, GpuLayers = 0 });
        Assert.All(e.Items, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Formula));
            Assert.Contains("llama.cpp", i.Source);
            Assert.Contains(i.Device, new[] { "CPU", "GPU" });
        });
        Assert.Equal(e.Items.Sum(i => i.Bytes), e.TotalBytes);
        Assert.Equal(InferenceEngine.LlamaCpp, e.Engine);
    }
}
