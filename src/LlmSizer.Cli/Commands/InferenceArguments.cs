using System.CommandLine;
using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Inference;
using LlmSizer.Units;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// The inference options <c>estimate</c> and <c>fit</c> share (engine, weights, context, batch, cache types, flash attention,
/// offload and vLLM settings), declared once and read into an <see cref="InferenceOptions"/>.
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

    /// <summary>The options as parsed; bad values are <see cref="UsageException"/>s naming the option.</summary>
    public InferenceOptions Read(ParseResult parse) => new()
    {
        Engine = Engine(parse.GetValue(engine)!),
        WeightsType = parse.GetValue(weights),
        ContextTokens = parse.GetValue(context),
        Sequences = parse.GetValue(batch),
        MicroBatchTokens = Positive(parse.GetValue(ubatch), "--ubatch"),
        BatchTokens = Positive(parse.GetValue(batchTokens), "--batch-tokens"),
        KvTypeK = parse.GetValue(kvType),
        KvTypeV = parse.GetValue(kvTypeV),
        FlashAttention = Flash(parse.GetValue(flash)),
        Mmap = OnOff(parse.GetValue(mmap), "--mmap") ?? true,
        GpuLayers = parse.GetValue(gpuLayers) is { } n && n < 0 ? throw new UsageException($"--gpu-layers: expected 0 or more, found {n}") : parse.GetValue(gpuLayers),
        CpuMoeLayers = parse.GetValue(cpuMoeLayers) is { } m && m < 0 ? throw new UsageException($"--cpu-moe-layers: expected 0 or more, found {m}") : parse.GetValue(cpuMoeLayers),
        GpuMemoryUtilization = parse.GetValue(utilization) is { } u && (u <= 0 || u > 1)
            ? throw new UsageException($"--gpu-memory-utilization: expected a share above 0 and at most 1, found {u.ToString(CultureInfo.InvariantCulture)}")
            : parse.GetValue(utilization),
        MaxBatchedTokens = Positive(parse.GetValue(batched), "--max-batched-tokens"),
    };

    /// <summary>Whether <c>--engine</c> was given (not only defaulted).</summary>
    public bool EngineGiven(ParseResult parse) => parse.GetResult(engine) is { Implicit: false };

    /// <summary>A size option such as <c>80GB</c> or <c>24GiB</c>, in bytes; null when not given.</summary>
    public static long? Size(string? text, string option) => text is null ? null
        : ByteSize.TryParse(text, out long bytes) && bytes > 0 ? bytes
        : throw new UsageException($"{option} '{text}': expected a size such as 80GB or 24GiB");

    private static InferenceEngine Engine(string name) => name.Trim().ToLowerInvariant() switch
    {
        "llama.cpp" or "llamacpp" or "llama-cpp" or "ollama" or "lmstudio" or "lm-studio" => InferenceEngine.LlamaCpp,
        "vllm" => InferenceEngine.Vllm,
        "transformers" or "hf" or "pytorch" => InferenceEngine.Transformers,
        _ => throw new UsageException($"--engine '{name}': expected llama.cpp, vllm or transformers"),
    };

    private static bool? Flash(string? value) =>
        value?.Trim().ToLowerInvariant() is null or "auto" ? null : OnOff(value, "--flash-attention", "on, off or auto");

    private static bool? OnOff(string? value, string option, string expected = "on or off") => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new UsageException($"{option} '{value}': expected {expected}"),
    };

    private static int? Positive(int? value, string option) =>
        value is <= 0 ? throw new UsageException($"{option}: expected a positive number, found {value}") : value;
}
