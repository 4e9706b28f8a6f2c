using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>One llama.cpp context to measure and estimate: a model and the settings it is loaded with.</summary>
internal sealed record LlamaCppCase(
    string Id,
    LlamaCppTestModel Model,
    int Context,
    int Batch,
    bool FlashAttention,
    string KeyType = "f16",
    string ValueType = "f16",
    int Sequences = 1)
{
    public override string ToString() => Id;
}

/// <summary>
/// The validation matrix: mmap on and off; dense MHA, GQA and MQA; gated and plain MLPs; F16, Q8_0, Q4_0 and Q4_K weights; tied and untied
/// embeddings; Gemma 2, Gemma 3 and Cohere2 sliding windows; Llama 4's chunked attention with interleaved MoE and dense layers; a mixture
/// of experts; a Qwen3-Next hybrid (Gated DeltaNet and gated attention); a Granite-4.0-H hybrid (Mamba-2); an LFM2 hybrid (short
/// convolutions); contexts from 512 to 32768; micro-batches from 128 to 2048; flash attention on and off; f16, q8_0 and q4_0 caches;
/// one and two sequences.
/// </summary>
internal static class LlamaCppCases
{
    public static IReadOnlyList<LlamaCppTestModel> Models { get; } =
    [
        new("llama-gqa-f16", LlamaCppTestModels.LlamaGqa, "F16", "F16"),
        new("llama-gqa-q8_0", LlamaCppTestModels.LlamaGqa, "Q8_0", "Q8_0"),
        new("llama-gqa-q4_0", LlamaCppTestModels.LlamaGqa, "Q4_0", "Q6_K"),
        new("llama-gqa-q4_k", LlamaCppTestModels.LlamaGqa, "Q4_K", "Q6_K"),
        new("llama-mha-tied-q8_0", LlamaCppTestModels.LlamaMhaTied, "Q8_0", "Q8_0"),
        new("qwen2-tied-q4_0", LlamaCppTestModels.Qwen2, "Q4_0", "Q4_0"),
        new("falcon-mqa-f16", LlamaCppTestModels.FalconMqa, "F16", "F16"),
        new("gemma2-swa-f16", LlamaCppTestModels.Gemma2Swa, "F16", "F16"),
        new("gemma3-swa-q8_0", LlamaCppTestModels.Gemma3Swa, "Q8_0", "Q8_0"),
        // Cohere2's standard and Llama 4's chunked windows: the interleaved cache's second part above the window.
        new("cohere2-swa-q8_0", LlamaCppTestModels.Cohere2Swa, "Q8_0", "Q8_0"),
        new("llama4-chunked-q4_k", LlamaCppTestModels.Llama4Chunked, "Q4_K", "Q6_K"),
        new("llama4-wide-mlp-f16", LlamaCppTestModels.Llama4WideMlp, "F16", "F16"),
        new("qwen3moe-q8_0", LlamaCppTestModels.Qwen3Moe, "Q8_0", "Q8_0"),
        new("qwen3moe-q4_0", LlamaCppTestModels.Qwen3Moe, "Q4_0", "Q4_0"),
        new("llama-wide-mlp-f16", LlamaCppTestModels.LlamaWideMlp, "F16", "F16"),
        new("qwen3moe-wide-q8_0", LlamaCppTestModels.Qwen3MoeWide, "Q8_0", "Q8_0"),
        // Hybrid: Gated DeltaNet layers keep a recurrent state (RS buffer) instead of a KV cache.
        new("qwen3next-q8_0", LlamaCppTestModels.Qwen3Next, "Q8_0", "Q8_0"),
        new("qwen3next-q4_k", LlamaCppTestModels.Qwen3Next, "Q4_K", "Q6_K"),
        new("qwen3next-wide-state-f16", LlamaCppTestModels.Qwen3NextWideState, "F16", "F16"),
        // Hybrid: Mamba-2 layers (Granite-4.0-H).
        new("granitehybrid-q4_0", LlamaCppTestModels.GraniteHybrid, "Q4_0", "Q4_0"),
        new("granitehybrid-wide-state-f16", LlamaCppTestModels.GraniteHybridWideState, "F16", "F16"),
        // Hybrid: short convolutions (LFM2).
        new("lfm2-q8_0", LlamaCppTestModels.Lfm2, "Q8_0", "Q8_0"),
        new("lfm2-narrow-mlp-f16", LlamaCppTestModels.Lfm2NarrowMlp, "F16", "F16"),
        // --no-mmap: CPU-resident weights are read into an allocated buffer instead of mapped.
        new("llama-gqa-q4_k-nommap", LlamaCppTestModels.LlamaGqa, "Q4_K", "Q6_K", Mmap: false),
        new("qwen2-tied-q4_0-nommap", LlamaCppTestModels.Qwen2, "Q4_0", "Q4_0", Mmap: false),
    ];

    /// <summary>Context settings every model is measured with: (context, micro-batch, flash attention, K type, V type, sequences).</summary>
    private static readonly (int Context, int Batch, bool Flash, string K, string V, int Sequences)[] Settings =
    [
        (512, 512, true, "f16", "f16", 1),
        (4096, 512, false, "f16", "f16", 1),
        (4096, 2048, true, "q8_0", "q8_0", 1),
        (8192, 1024, false, "q8_0", "f16", 1),
        (16384, 256, true, "q4_0", "q4_0", 1),
        (32768, 512, true, "f16", "f16", 1),
        (32768, 128, false, "f16", "f16", 1),
        (6000, 512, true, "f16", "f16", 2),
    ];

    public static IReadOnlyList<LlamaCppCase> All { get; } =
        (from m in Models
         from s in Settings
         select new LlamaCppCase(
             $"{m.Id}/c{s.Context}-ub{s.Batch}-fa{(s.Flash ? "on" : "off")}-{s.K}-{s.V}{(s.Sequences > 1 ? $"-np{s.Sequences}" : "")}",
             m, s.Context, s.Batch, s.Flash, s.K, s.V, s.Sequences)).ToList();

    /// <summary>Cases xunit can enumerate by name.</summary>
    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in All)
                data.Add(c.Id);
            return data;
        }
    }

    public static LlamaCppCase Get(string id) => All.Single(c => c.Id == id);
}
