using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;
using LlmSizer.Precision;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Precision;

/// <summary>
/// The one entry point: a weights type name gives a GGUF or safetensors inventory whose parameters are the architecture's,
/// whose Hugging Face side matches real checkpoints tensor for tensor, and which the project's own safetensors reader reads
/// back to the same parameters and bytes.
/// </summary>
public class WeightsPredictionTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static ModelSpec Catalog(string id) => ModelCatalog.Find(id)!.Spec;

    public static TheoryData<string> Types => new()
    {
        "Q4_K_M", "Q8_0", "IQ4_XS", "F16", "gguf:BF16", "BF16", "FP32", "FP8", "FP8-BLOCK", "INT8", "NF4", "NF4-DQ", "GPTQ-INT4",
        "GPTQ-INT8", "AWQ", "MXFP4",
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_catalog_model_keeps_its_parameter_count_in_every_weights_type(string type)
    {
        // GGUF: the architectures whose llama.cpp layout is modelled; safetensors: every architecture of the catalog.
        bool gguf = WeightsPrediction.Resolve(type).Container == WeightsContainer.Gguf;
        foreach (var entry in ModelCatalog.Entries.Where(e => !gguf || GgufLayout.Supports(e.Spec)))
        {
            var inventory = WeightsPrediction.Predict(entry.Spec, type);
            long counted = ParameterCounter.Count(entry.Spec).Total;
            // GGUF files of GPT-2 also store the tied head as output.weight (see GgufLayout).
            bool ggufGpt2 = inventory.Format == "gguf" && entry.Spec.Architecture == "gpt2";
            long expected = ggufGpt2 ? counted + entry.Spec.VocabSize * entry.Spec.HiddenSize : counted;
            Assert.True(expected == inventory.Parameters, $"{entry.Id} in {type}: {inventory.Parameters:N0} parameters, expected {expected:N0}");
            // Each breakdown category too (embedding, attention, MLP, norms, head), by the names' classification.
            if (!ggufGpt2)
                foreach (var category in Enum.GetValues<ParameterCategory>())
                    Assert.True(ParameterCounter.Count(entry.Spec).Breakdown[category] == inventory.Breakdown[category], $"{entry.Id} in {type}: {category}");
            Assert.All(inventory.Tensors, t => Assert.True(t.Bytes > 0 || t.Elements == 0, $"{entry.Id} {type} {t.Name}"));
        }
    }

    [Fact]
    public void Mixes_give_a_gguf_inventory_and_formats_a_safetensors_one_with_exact_bytes()
    {
        var spec = Catalog("llama-3.1-8b");
        var gguf = WeightsPrediction.Predict(spec, "q4_k_m");
        Assert.Equal("gguf", gguf.Format);
        Assert.Equal("Q6_K", gguf.Tensors.Single(t => t.Name == "output.weight").Type);
        Assert.Equal(128_256L * 4096 / 256 * 210, gguf.Tensors.Single(t => t.Name == "output.weight").Bytes);

        var gptq = WeightsPrediction.Predict(spec, "GPTQ-INT4");
        Assert.Equal("safetensors", gptq.Format);
        var q = gptq.Tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.qweight");
        Assert.Equal(("GPTQ_INT4", 4096L * 4096, 8_388_608L, TensorRole.Weight), (q.Type, q.Parameters, q.Bytes, q.Role));
        var scales = gptq.Tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.scales");
        Assert.Equal((TensorRole.QuantizationMetadata, 0L, 262_144L), (scales.Role, scales.Parameters, scales.Bytes));
        // Embeddings and the head stay in FP16.
        Assert.Equal("F16", gptq.Tensors.Single(t => t.Name == "lm_head.weight").Type);
        Assert.Equal("F16", gptq.Tensors.Single(t => t.Name == "model.embed_tokens.weight").Type);
    }

    [Fact]
    public void Gpt_oss_20b_in_mxfp4_is_the_published_checkpoint_tensor_for_tensor()
    {
        // openai/gpt-oss-20b's safetensors (names, dtypes, shapes): SafetensorsShapes.GptOss20b.
        var expected = SafetensorsShapes.GptOss20b().Select(t => $"{t.Name} {t.Dtype} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal);
        var predicted = WeightsPrediction.Predict(SafetensorsShapes.GptOss20bSpec, "MXFP4").Tensors
            .Select(t => $"{t.Name} {(t.Type == "MXFP4" ? "U8" : t.Type)} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal);
        Assert.Equal(expected, predicted);
    }

    [Fact]
    public void Llama_2_7b_and_qwen2_5_0_5b_in_bf16_are_their_published_checkpoints_tensor_for_tensor()
    {
        static IEnumerable<string> Lines(IEnumerable<(string Name, string Dtype, long[] Shape)> list) =>
            list.Select(t => $"{t.Name} {t.Dtype} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal);
        static IEnumerable<string> Predicted(ModelSpec spec) =>
            WeightsPrediction.Predict(spec, "BF16").Tensors.Select(t => $"{t.Name} {t.Type} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal);

        Assert.Equal(Lines(SafetensorsShapes.Llama2_7b()), Predicted(SafetensorsShapes.Llama2_7bSpec));
        Assert.Equal(Lines(SafetensorsShapes.Qwen25_05b()), Predicted(SafetensorsShapes.Qwen25_05bSpec));
    }

    public static TheoryData<string> QuantizedFormats => new()
    {
        "GPTQ-INT4", "GPTQ-INT8", "GPTQ-INT4-G32", "AWQ", "NF4", "NF4-DQ", "FP4", "INT8", "FP8", "FP8-TENSOR", "FP8-BLOCK", "MXFP4",
    };

    [Theory]
    [MemberData(nameof(QuantizedFormats))]
    public void The_safetensors_reader_reads_a_predicted_checkpoint_back_to_the_same_parameters_and_bytes(string type)
    {
        var predicted = WeightsPrediction.Predict(SafetensorsShapes.Qwen25_05bSpec, type);
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        foreach (var t in predicted.Tensors)
            writer.Add(t.Name, StoredDtype(t), [.. t.Shape]);
        writer.Write(Path.Combine(dir.Path, "model.safetensors"));

        var read = SafetensorsModel.Open(dir.Path).Inventory;

        Assert.Equal(predicted.Parameters, read.Parameters);
        Assert.Equal(predicted.Bytes, read.Bytes);
        Assert.Equal(SafetensorsShapes.Qwen25_05bParameters, read.Parameters);
        var roles = read.Tensors.ToDictionary(t => t.Name, t => (t.Role, t.Parameters, t.Type));
        Assert.All(predicted.Tensors, t => Assert.Equal((t.Role, t.Parameters, t.Type), roles[t.Name]));
    }

    /// <summary>The dtype a predicted tensor is stored in: the packed weights' labels name their method, not their dtype.</summary>
    private static string StoredDtype(TensorInfo t) => t.Type switch
    {
        "MXFP4" or "BNB_NF4" or "BNB_FP4" => "U8",
        _ when t.Type.StartsWith("GPTQ_", StringComparison.Ordinal) || t.Type.StartsWith("AWQ_", StringComparison.Ordinal) => "I32",
        _ => t.Type,
    };

    [Fact]
    public void Routers_stay_in_16_bits_for_gptq_and_fp8_but_bitsandbytes_quantizes_every_linear()
    {
        var spec = Catalog("qwen1.5-moe-a2.7b");
        var gptq = WeightsPrediction.Predict(spec, "GPTQ-INT4").Tensors.ToDictionary(t => t.Name);
        Assert.Equal("F16", gptq["model.layers.0.mlp.gate.weight"].Type);
        Assert.Equal("F16", gptq["model.layers.0.mlp.shared_expert_gate.weight"].Type);
        Assert.Equal([60L, 256, 1408], gptq["model.layers.0.mlp.experts.gate_proj.qweight"].Shape); // 60 experts × [2048·4/32, 1408]
        Assert.Equal("GPTQ_INT4", gptq["model.layers.0.mlp.shared_expert.down_proj.qweight"].Type);
        Assert.Equal("F16", gptq["model.layers.0.self_attn.q_proj.bias"].Type);

        var nf4 = WeightsPrediction.Predict(spec, "NF4").Tensors.ToDictionary(t => t.Name);
        Assert.Equal("BNB_NF4", nf4["model.layers.0.mlp.gate.weight"].Type);
        Assert.Equal("F16", nf4["lm_head.weight"].Type);

        var fp8 = WeightsPrediction.Predict(Catalog("deepseek-v3"), "FP8-BLOCK").Tensors.ToDictionary(t => t.Name);
        Assert.Equal("BF16", fp8["model.layers.5.mlp.gate.weight"].Type);
        Assert.Equal("BF16", fp8["model.layers.5.mlp.gate.e_score_correction_bias"].Type);
        Assert.Equal("F8_E4M3", fp8["model.layers.5.self_attn.kv_b_proj.weight"].Type);
        Assert.Equal([256L, 4], fp8["model.layers.5.self_attn.kv_b_proj.weight_scale_inv"].Shape); // [128·(128+128)/128, 512/128]
        // bitsandbytes leaves gpt-oss's experts alone: they are parameters, not nn.Linear modules.
        Assert.Equal("F16", WeightsPrediction.Predict(Catalog("gpt-oss-20b"), "NF4").Tensors.Single(t => t.Name == "model.layers.0.mlp.experts.down_proj").Type);
    }

    [Fact]
    public void Names_resolve_case_insensitively_with_aliases_group_sizes_and_container_prefixes()
    {
        Assert.Equal((WeightsContainer.Gguf, "Q4_K_M"), (WeightsPrediction.Resolve("q4_k").Container, WeightsPrediction.Resolve("q4_k").Name));
        Assert.Equal("Q4_K_M", WeightsPrediction.Resolve("Q4-K-M").Name);
        Assert.Equal("GPTQ-INT4-G128", WeightsPrediction.Resolve("gptq").Name);
        Assert.Equal("GPTQ-INT4-G32", WeightsPrediction.Resolve("gptq_int4_g32").Name);
        Assert.Equal("GPTQ-INT8-G128", WeightsPrediction.Resolve("GPTQ-INT8").Name);
        Assert.Equal("AWQ-INT4-G64", WeightsPrediction.Resolve("awq-g64").Name);
        Assert.Equal("NF4-DQ", WeightsPrediction.Resolve("nf4-dq").Name);
        Assert.Equal("FP8-BLOCK", WeightsPrediction.Resolve("fp8_block").Name);
        Assert.Equal(WeightsContainer.Safetensors, WeightsPrediction.Resolve("MXFP4").Container);
        Assert.Equal(WeightsContainer.Gguf, WeightsPrediction.Resolve("MXFP4_MOE").Container);
        Assert.Equal(WeightsContainer.Gguf, WeightsPrediction.Resolve("F16").Container);
        Assert.Equal(WeightsContainer.Safetensors, WeightsPrediction.Resolve("FP16").Container);
        // BF16 is both: safetensors unless the caller prefers GGUF or says gguf:.
        Assert.Equal(WeightsContainer.Safetensors, WeightsPrediction.Resolve("bf16").Container);
        Assert.Equal(WeightsContainer.Gguf, WeightsPrediction.Resolve("bf16", WeightsContainer.Gguf).Container);
        Assert.Equal(WeightsContainer.Gguf, WeightsPrediction.Resolve("gguf:BF16").Container);
        Assert.Equal(WeightsContainer.Safetensors, WeightsPrediction.Resolve("safetensors:bf16", WeightsContainer.Gguf).Container);
        Assert.All(WeightsPrediction.KnownTypes, name => WeightsPrediction.Resolve(name));
    }

    [Theory]
    [InlineData("Q4_K_N", "Q4_K_M")]
    [InlineData("q5km", "Q5_K_M")]
    [InlineData("GPTQ-INT5", "GPTQ-INT4")]
    [InlineData("nf5", "NF4")]
    [InlineData("int3", "INT8")]
    public void An_unknown_name_is_a_usage_error_with_close_suggestions(string name, string suggestion)
    {
        var e = Assert.Throws<UsageException>(() => WeightsPrediction.Predict(Catalog("llama-3.1-8b"), name));
        Assert.Contains($"\"{name}\"", e.Message);
        Assert.Contains(suggestion, e.Suggestions);
    }

    [Fact]
    public void Architectures_llama_cpp_s_layout_is_not_modelled_for_still_get_safetensors_predictions()
    {
        // OPT-350m: embeddings of 512 projected in to and out of the 1024-wide model (facebook/opt-350m config.json).
        var opt350m = Catalog("opt-125m") with { HiddenSize = 1024, Layers = 24, AttentionHeads = 16, FfnSize = 4096, EmbeddingProjectionSize = 512, FinalNorm = false };
        var bf16 = WeightsPrediction.Predict(opt350m, "BF16");
        Assert.Equal(ParameterCounter.Count(opt350m).Total, bf16.Parameters);
        Assert.Equal([1024L, 512], bf16.Tensors.Single(t => t.Name == "model.project_in.weight").Shape);
        Assert.Equal(ParameterCounter.Count(Catalog("bloom-560m")).Total, WeightsPrediction.Predict(Catalog("bloom-560m"), "GPTQ-INT4").Parameters);
        // A GGUF type for such an architecture is a usage error that names it.
        var e = Assert.Throws<UsageException>(() => WeightsPrediction.Predict(Catalog("opt-125m"), "Q4_K_M"));
        Assert.Contains("\"opt\"", e.Message);
    }

    [Fact]
    public void A_container_prefix_that_does_not_know_the_name_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => WeightsPrediction.Resolve("gguf:GPTQ-INT4"));
        Assert.Throws<UsageException>(() => WeightsPrediction.Resolve("safetensors:Q4_K_M"));
    }
}
