using System.CommandLine;
using System.Globalization;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Inference;
using LlmSizer.Reports;
using LlmSizer.Units;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer estimate MODEL [inference options]</c>: inference memory on one engine, line by line.</summary>
internal static class EstimateCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var engine = new Option<string>("--engine") { Description = "llama.cpp (also Ollama, LM Studio), vllm or transformers", DefaultValueFactory = _ => "llama.cpp" };
        var weights = new Option<string?>("--weights") { Description = "Weight type: Q4_K_M, Q8_0, F16… (llama.cpp) or BF16, FP8, AWQ, GPTQ-INT4, NF4… (default: the file's own, else Q4_K_M for llama.cpp and BF16 otherwise)" };
        var context = new Option<int?>("--context") { Description = "Context length per sequence in tokens (default: the engine's default, printed)" };
        var batch = new Option<int>("--batch") { Description = "Sequences at once (llama.cpp -np, batch size)", DefaultValueFactory = _ => 1 };
        var ubatch = new Option<int?>("--ubatch") { Description = "llama.cpp -ub: tokens per micro-batch (default 512)" };
        var batchTokens = new Option<int?>("--batch-tokens") { Description = "llama.cpp -b: tokens per logical batch (default 2048)" };
        var kvType = new Option<string?>("--kv-type") { Description = "KV cache type for K and V: f16, q8_0, q4_0… (llama.cpp), auto or fp8 (vLLM)" };
        var kvTypeV = new Option<string?>("--kv-type-v") { Description = "KV cache type for V when it differs from K (llama.cpp -ctv)" };
        var flash = new Option<string?>("--flash-attention") { Description = "on, off or auto (llama.cpp -fa; default auto)" };
        var mmap = new Option<string?>("--mmap") { Description = "llama.cpp: on (default) maps the file for CPU-resident weights; off reads them into memory (--no-mmap)" };
        var gpuLayers = new Option<int?>("--gpu-layers") { Description = "llama.cpp -ngl: layers on the GPU counting the output layer (default all)" };
        var gpuMemory = new Option<string?>("--gpu-memory") { Description = "Memory of one GPU, e.g. 80GB or 24GiB (vLLM sizes its KV cache from it)" };
        var utilization = new Option<double?>("--gpu-memory-utilization") { Description = "vLLM's share of GPU memory (default 0.9)" };
        var tp = new Option<int>("--tp") { Description = "Tensor-parallel GPUs (vLLM)", DefaultValueFactory = _ => 1 };
        var batched = new Option<int?>("--max-batched-tokens") { Description = "vLLM --max-num-batched-tokens" };
        var explain = new Option<bool>("--explain") { Description = "Show each line's formula, inputs and source" };
        var json = CommonOptions.Json();
        var command = new Command("estimate", "Inference memory: weights, KV cache, compute buffers and overhead, per engine")
        {
            model, engine, weights, context, batch, ubatch, batchTokens, kvType, kvTypeV, flash, mmap, gpuLayers, gpuMemory, utilization, tp, batched, explain, json,
        };
        command.SetAction(parse =>
        {
            var options = new InferenceOptions
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
                GpuMemoryBytes = parse.GetValue(gpuMemory) is { } text
                    ? ByteSize.TryParse(text, out long bytes) && bytes > 0 ? bytes : throw new UsageException($"--gpu-memory '{text}': expected a size such as 80GB or 24GiB")
                    : null,
                GpuMemoryUtilization = parse.GetValue(utilization) is { } u && (u <= 0 || u > 1)
                    ? throw new UsageException($"--gpu-memory-utilization: expected a share above 0 and at most 1, found {u.ToString(CultureInfo.InvariantCulture)}")
                    : parse.GetValue(utilization),
                TensorParallel = parse.GetValue(tp),
                MaxBatchedTokens = Positive(parse.GetValue(batched), "--max-batched-tokens"),
            };
            bool withExplain = parse.GetValue(explain);
            var source = InspectCommand.Open(parse.GetValue(model)!);
            return output.Emit(EstimateReport.Build(source, options), c => c.EstimateReport,
                (report, console) => EstimateRenderer.Render(report, console, withExplain));
        });
        return command;
    }

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
