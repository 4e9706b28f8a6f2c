using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Inference;
using Xunit;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>llama.cpp's <c>--n-cpu-moe</c> (routed experts of the first layers in RAM) and the op-offload copy it brings.</summary>
public class ExpertOffloadTests
{
    private static readonly ModelSource Qwen3Moe = ModelSource.Open("qwen3-30b-a3b");

    // One layer's stacked experts of Qwen3-30B-A3B in F16: 128 experts × 768 (expert FFN) × 2048 (hidden) × 2 bytes.
    private const long ExpertTensorBytes = 128L * 768 * 2048 * 2;

    private static MemoryEstimate At(int cpuMoe) =>
        InferenceEstimator.Estimate(Qwen3Moe, new InferenceOptions { WeightsType = "F16", ContextTokens = 4096, CpuMoeLayers = cpuMoe });

    private static long Item(MemoryEstimate e, string name, string device) => e.Items.Where(i => i.Name.StartsWith(name, StringComparison.Ordinal) && i.Device == device).Sum(i => i.Bytes);

    [Fact]
    public void The_experts_of_the_first_layers_move_from_the_gpu_model_buffer_to_ram()
    {
        var none = At(0);
        var some = At(34);
        // 34 layers × gate, up and down expert stacks (F16 rows need no padding; each tensor is a multiple of 128 bytes).
        Assert.Equal(34 * 3 * ExpertTensorBytes, Item(none, "model buffer GPU", "GPU") - Item(some, "model buffer GPU", "GPU"));
        Assert.Equal(Item(none, "KV buffer", "GPU"), Item(some, "KV buffer", "GPU"));
    }

    // ggml-cuda.cu offload_op: an operation on CPU-resident weights with a batch of 32+ tokens runs on the GPU, its weights
    // copied into the GPU compute buffer. llama.cpp tools/fit-params/README.md shows it: with the output matrix left in RAM the
    // RTX 4090's compute buffer is 898 MiB = the graph's 304.5 MiB + the 593.5 MiB output matrix (151,936 × 2048 × 2 B).
    [Fact]
    public void With_experts_in_ram_the_gpu_compute_buffer_also_holds_one_copy_of_the_largest_of_them()
    {
        long graph = Item(At(0), "compute buffer GPU", "GPU");
        Assert.Equal(graph + ExpertTensorBytes, Item(At(34), "compute buffer GPU", "GPU"));
        // The graph peak itself is llama.cpp's 304.5 MiB of that example to within 0.1%.
        Assert.InRange(graph / 1048576.0, 304.5 * 0.999, 304.5 * 1.001);
    }

    [Fact]
    public void A_micro_batch_under_32_tokens_is_not_offloaded_to_the_gpu_and_needs_no_copy()
    {
        var small = InferenceEstimator.Estimate(Qwen3Moe, new InferenceOptions { WeightsType = "F16", ContextTokens = 4096, CpuMoeLayers = 34, MicroBatchTokens = 16 });
        var smallNone = InferenceEstimator.Estimate(Qwen3Moe, new InferenceOptions { WeightsType = "F16", ContextTokens = 4096, MicroBatchTokens = 16 });
        Assert.Equal(Item(smallNone, "compute buffer GPU", "GPU"), Item(small, "compute buffer GPU", "GPU"));
    }

    [Fact]
    public void Expert_offload_on_a_dense_model_or_beyond_its_layers_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => InferenceEstimator.Estimate(ModelSource.Open("llama-3.1-8b"), new InferenceOptions { CpuMoeLayers = 2 }));
        Assert.Throws<UsageException>(() => InferenceEstimator.Estimate(Qwen3Moe, new InferenceOptions { CpuMoeLayers = 49 }));
    }
}
