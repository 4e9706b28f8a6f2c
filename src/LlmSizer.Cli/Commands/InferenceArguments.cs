using System.CommandLine;
using LlmSizer.Requests;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// The inference options <c>estimate</c> and <c>fit</c> share (engine, weights, context, batch, cache types, flash attention,
/// offload and vLLM settings), declared once and read into an <see cref="InferenceRequest"/>.
/// </summary>
internal sealed class InferenceArguments
{
    private readonly Option<string> engine = new("--engine") { Description = "llama.cpp (also Ollama, LM Studio), vllm or transformers", DefaultValueFactory = _ => "llama.cpp" };
    private readonly Option<string?> weights = new("--weights") { Description = "Weight type: Q4_K_M, Q8_0, F16… (llama.cpp) or BF16, FP8, AWQ, GPTQ-INT4, NF4… (default: the file's own, else Q4_K_M for llama.cpp and BF16 otherwise)" };
    private readonly Option<int?> context = new("--context") { Description = "Context length per sequence in tokens (default: the engine's default, printed)" };
    private readonly Option<int> batch = new("--batch") { Description = "Sequences at once (llama.cpp -np, batch size)", DefaultValueFactory = _ => 1 };
    private readonly Option<int?> ubatch = new("--ubatch") { Description = "llama.cpp -ub: tokens per micro-batch (default 512)" };
    private readonly Option<int?> batchTokens = new("--batch-tokens") { Description = "llama.cpp -b: tokens per logical batch (default 2048)" };
    private readonly Option<string?> kvType = new("--kv-type") { Description = "KV cache type for K and V: f16, q8_0, q4_0… (llama.cpp), auto or fp8 (vLLM)" };
    private readonly Option<string?> kvTypeV = new("--kv-type-v") { Description = "KV cache type for V when it differs from K (llama.cpp -ctv)" };
    private readonly Option<string?> flash = new("--flash-attention") { Description = "on, off or auto (llama.cpp -fa; default auto)" };
    private readonly Option<string?> mmap = new("--mmap") { Description = "llama.cpp: on (default) maps the file for CPU-resident weights; off reads them into memory (--no-mmap)" };
    private readonly Option<int?> gpuLayers = new("--gpu-layers") { Description = "llama.cpp -ngl: layers on the GPU counting the output layer (default all; fit searches it)" };
    private readonly Option<int?> cpuMoeLayers = new("--cpu-moe-layers") { Description = "llama.cpp --n-cpu-moe: keep the routed experts of the first N layers in RAM (MoE models; fit searches it)" };
    private readonly Option<double?> utilization = new("--gpu-memory-utilization") { Description = "vLLM's share of GPU memory (default 0.9)" };
    private readonly Option<int?> batched = new("--max-batched-tokens") { Description = "vLLM --max-num-batched-tokens" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { engine, weights, context, batch, ubatch, batchTokens, kvType, kvTypeV, flash, mmap, gpuLayers, cpuMoeLayers, utilization, batched })
            command.Options.Add(option);
    }

    /// <summary>The options as typed; <see cref="InferenceRequest.ToOptions"/> checks them. The engine is left null unless given.</summary>
    public InferenceRequest Request(ParseResult parse) => new()
    {
        Engine = parse.GetResult(engine) is { Implicit: false } ? parse.GetValue(engine) : null,
        Weights = parse.GetValue(weights),
        Context = parse.GetValue(context),
        Batch = parse.GetValue(batch),
        Ubatch = parse.GetValue(ubatch),
        BatchTokens = parse.GetValue(batchTokens),
        KvType = parse.GetValue(kvType),
        KvTypeV = parse.GetValue(kvTypeV),
        FlashAttention = parse.GetValue(flash),
        Mmap = parse.GetValue(mmap),
        GpuLayers = parse.GetValue(gpuLayers),
        CpuMoeLayers = parse.GetValue(cpuMoeLayers),
        GpuMemoryUtilization = parse.GetValue(utilization),
        MaxBatchedTokens = parse.GetValue(batched),
    };
}
