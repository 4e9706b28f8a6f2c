using CsCheck;
using LlmSizer.Inference;
using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Properties.Inference;

/// <summary>
/// Inference memory is monotone in the workload: a longer context, more sequences or a larger micro-batch never needs less
/// memory, on every engine and KV cache type, for catalog models and random architectures (GQA, MQA, MLA, sliding window, MoE,
/// hybrid recurrent, per-layer KV heads).
/// </summary>
public class InferenceMemoryGrowthProperties
{
    /// <summary>The KV cache types each engine accepts (llama.cpp's quantized ones need flash attention, which auto turns on).</summary>
    private static readonly Gen<(InferenceEngine Engine, string? KvType)> EngineAndKvType = Gen.OneOf<(InferenceEngine, string?)>(
        [
            .. KvCacheType.All.Where(t => t.InLlamaCpp).Select(t => (InferenceEngine.LlamaCpp, (string?)t.Name)),
            (InferenceEngine.Vllm, null), (InferenceEngine.Vllm, "bfloat16"), (InferenceEngine.Vllm, "fp8"),
            (InferenceEngine.Transformers, null),
        ]);

    private static readonly Gen<(ModelSpec Spec, InferenceEngine Engine, string? KvType)> Setup =
        Gen.Select(ModelGen.Any, EngineAndKvType, (spec, e) => (spec, e.Engine, e.KvType));

    private static long Total(ModelSpec spec, InferenceOptions options) =>
        InferenceEstimator.Estimate(ModelGen.Source(spec), options).TotalBytes;

    private static InferenceOptions Options(InferenceEngine engine, string? kvType, int context, int sequences = 1) => new()
    {
        Engine = engine,
        KvTypeK = kvType,
        ContextTokens = context,
        // llama.cpp's -c is shared by its sequences: n sequences of a context need n times it.
        Sequences = sequences,
    };

    [Fact]
    public void A_longer_context_never_needs_less_memory()
    {
        int compared = 0;
        PropertyRun.Check(Gen.Select(Setup, Gen.Int[1, 200_000], Gen.Int[0, 200_000]), (setup, context, more) =>
        {
            var (spec, engine, kv) = setup;
            long? shorter = PropertyRun.Refusable(() => Total(spec, Options(engine, kv, context)));
            long? longer = PropertyRun.Refusable(() => Total(spec, Options(engine, kv, context + more)));
            if (shorter is null || longer is null)
                return;
            Interlocked.Increment(ref compared);
            Assert.True(longer >= shorter, $"{engine} kv {kv}: context {context} needs {shorter} B but {context + more} needs {longer} B");
        });
        Assert.True(compared > PropertyRun.Estimates / 2, $"only {compared} cases were estimated; the generator makes too many refused inputs");
    }

    [Fact]
    public void More_sequences_of_the_same_context_never_need_less_memory()
    {
        int compared = 0;
        PropertyRun.Check(Gen.Select(Setup, Gen.Int[1, 32_768], Gen.Int[1, 16], Gen.Int[0, 16]), (setup, context, sequences, more) =>
        {
            var (spec, engine, kv) = setup;
            int Context(int n) => engine == InferenceEngine.LlamaCpp ? context * n : context;
            long? fewer = PropertyRun.Refusable(() => Total(spec, Options(engine, kv, Context(sequences), sequences)));
            long? many = PropertyRun.Refusable(() => Total(spec, Options(engine, kv, Context(sequences + more), sequences + more)));
            if (fewer is null || many is null)
                return;
            Interlocked.Increment(ref compared);
            Assert.True(many >= fewer, $"{engine} kv {kv}: {sequences} × {context} tokens need {fewer} B but {sequences + more} need {many} B");
        });
        Assert.True(compared > PropertyRun.Estimates / 2, $"only {compared} cases were estimated; the generator makes too many refused inputs");
    }

    [Fact]
    public void A_larger_llama_cpp_micro_batch_never_needs_less_memory()
    {
        int compared = 0;
        var setup = Gen.Select(ModelGen.Any, Gen.OneOf(KvCacheType.All.Where(t => t.InLlamaCpp).Select(t => t.Name).ToArray()));
        PropertyRun.Check(Gen.Select(setup, Gen.Int[256, 65_536], Gen.Int[1, 4096], Gen.Int[0, 4096]), (s, context, ubatch, more) =>
        {
            var (spec, kv) = s;
            InferenceOptions With(int ub) => Options(InferenceEngine.LlamaCpp, kv, context) with { MicroBatchTokens = ub, BatchTokens = 8192 };
            long? smaller = PropertyRun.Refusable(() => Total(spec, With(ubatch)));
            long? larger = PropertyRun.Refusable(() => Total(spec, With(ubatch + more)));
            if (smaller is null || larger is null)
                return;
            Interlocked.Increment(ref compared);
            Assert.True(larger >= smaller, $"kv {kv}, context {context}: -ub {ubatch} needs {smaller} B but -ub {ubatch + more} needs {larger} B");
        });
        Assert.True(compared > PropertyRun.Estimates / 2, $"only {compared} cases were estimated; the generator makes too many refused inputs");
    }
}
