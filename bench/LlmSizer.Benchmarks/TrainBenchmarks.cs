using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Requests;
using LlmSizer.Serialization;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Training estimates as <c>llmsizer train MODEL ... --json</c> builds them: the request resolved from its option
/// strings, the report (memory per GPU, the GPU-count search when a device is named, time, checkpoints) and its JSON.
/// </summary>
[MemoryDiagnoser]
public class TrainBenchmarks
{
    private readonly ModelSource llama8B = ModelSource.Open("llama-3.1-8b");
    private readonly ModelSource llama70B = ModelSource.Open("llama-3.1-70b");

    /// <summary><c>train llama-3.1-8b</c>: full fine-tuning with AdamW and mixed precision on one GPU, no device.</summary>
    [Benchmark]
    public int FullLlama8B() => Json(new TrainRequest(), llama8B);

    /// <summary><c>train llama-3.1-70b --zero 3 --device h100</c>: the fewest H100s that hold a ZeRO-3 run are searched.</summary>
    [Benchmark]
    public int FullZero3Llama70BOnH100() => Json(new TrainRequest { Zero = 3, Device = "h100" }, llama70B);

    /// <summary><c>train llama-3.1-70b --method qlora --lora-targets all-linear --device rtx-4090</c>.</summary>
    [Benchmark]
    public int QloraLlama70BOnRtx4090() =>
        Json(new TrainRequest { Method = "qlora", LoraTargets = "all-linear", Device = "rtx-4090" }, llama70B);

    private static int Json(TrainRequest request, ModelSource source) =>
        ReportJson.Serialize(request.Resolve(FieldStyle.Cli).Build(source), c => c.TrainReport).Length;
}
