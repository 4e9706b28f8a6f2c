using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

/// <summary>
/// Sparse files holding the exact tensor lists of published checkpoints: the inventory must give the publisher's count,
/// and agree with the architecture in every respect <see cref="InventoryCheck"/> compares.
/// </summary>
public class RealCheckpointShapesTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Llama_2_7b_in_bf16_holds_exactly_its_official_parameter_count()
    {
        string path = SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"), SafetensorsShapes.Llama2_7b());

        var model = SafetensorsModel.Open(path);

        Assert.Equal(291, model.Inventory.Tensors.Count);
        Assert.Equal(SafetensorsShapes.Llama2_7bParameters, model.Inventory.Parameters);
        Assert.Equal(2 * SafetensorsShapes.Llama2_7bParameters, model.Inventory.Bytes);
        Assert.Equal(ParameterCounter.Count(SafetensorsShapes.Llama2_7bSpec).Breakdown, model.Inventory.Breakdown);
        Assert.Empty(InventoryCheck.Compare(model.Inventory, SafetensorsShapes.Llama2_7bSpec));
        Assert.Equal([("BF16", SafetensorsShapes.Llama2_7bParameters, 2 * SafetensorsShapes.Llama2_7bParameters)], model.Inventory.ParametersByType);
    }

    [Fact]
    public void Llama_2_7b_as_first_uploaded_in_three_shards_with_rotary_buffers_still_counts_its_official_parameters()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(withInvFreq: true), shards: 3);

        var model = SafetensorsModel.Open(index);

        Assert.Equal(3, model.Files.Count);
        Assert.Equal(291 + 32, model.Inventory.Tensors.Count);
        var buffers = model.Inventory.Tensors.Where(t => t.Role == TensorRole.Buffer).ToList();
        Assert.Equal(32, buffers.Count);
        Assert.All(buffers, b => Assert.Equal((0L, 256L), (b.Parameters, b.Bytes)));
        Assert.Equal(SafetensorsShapes.Llama2_7bParameters, model.Inventory.Parameters);
        Assert.Empty(InventoryCheck.Compare(model.Inventory, SafetensorsShapes.Llama2_7bSpec));
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void Llama_2_7b_without_its_lm_head_is_reported_against_its_untied_architecture()
    {
        string path = SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"),
            SafetensorsShapes.Llama2_7b().Where(t => t.Name != "lm_head.weight"));

        var model = SafetensorsModel.Open(path);

        Assert.Equal(
        [
            "parameters: the tensors hold 6,607,343,616, the config implies 6,738,415,616 (difference -131,072,000)",
            "untied embeddings: the config has a separate LM head, but the file stores no LM head weight (lm_head.weight or output.weight)",
            "lmHead: the tensors hold 0, the config implies 131,072,000 (difference -131,072,000)",
        ], InventoryCheck.Compare(model.Inventory, SafetensorsShapes.Llama2_7bSpec));
    }

    [Fact]
    public void Qwen2_5_0_5b_with_its_tied_head_holds_exactly_its_official_parameter_count()
    {
        string path = SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"), SafetensorsShapes.Qwen25_05b());

        var model = SafetensorsModel.Open(path);

        Assert.Equal(290, model.Inventory.Tensors.Count);
        Assert.Equal(SafetensorsShapes.Qwen25_05bParameters, model.Inventory.Parameters);
        Assert.Equal(SafetensorsShapes.Qwen25_05bParameters, ParameterCounter.Count(SafetensorsShapes.Qwen25_05bSpec).Total);
        Assert.Empty(InventoryCheck.Compare(model.Inventory, SafetensorsShapes.Qwen25_05bSpec));
    }

    [Fact]
    public void Qwen2_5_0_5b_with_an_lm_head_added_is_reported_against_its_tied_architecture()
    {
        string path = SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"),
            [.. SafetensorsShapes.Qwen25_05b(), ("lm_head.weight", "BF16", [151936, 896])]);

        var model = SafetensorsModel.Open(path);

        Assert.Equal(
        [
            "parameters: the tensors hold 630,167,424, the config implies 494,032,768 (difference +136,134,656)",
            "tied embeddings: the config ties the LM head to the token embedding, but the file stores 'lm_head.weight' (136,134,656 parameters)",
            "lmHead: the tensors hold 136,134,656, the config implies 0 (difference +136,134,656)",
        ], InventoryCheck.Compare(model.Inventory, SafetensorsShapes.Qwen25_05bSpec));
    }

    [Fact]
    public void Gpt_oss_20b_in_mxfp4_counts_its_experts_as_the_fp4_values_they_hold()
    {
        SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"), SafetensorsShapes.GptOss20b());
        dir.Write("config.json", """
            {"model_type": "gpt_oss", "vocab_size": 201088, "hidden_size": 2880, "num_hidden_layers": 24,
             "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 2880,
             "num_local_experts": 32, "num_experts_per_tok": 4, "sliding_window": 128, "max_position_embeddings": 131072,
             "quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]}}
            """);

        var model = SafetensorsModel.Open(dir.Path);

        long counted = ParameterCounter.Count(SafetensorsShapes.GptOss20bSpec).Total;
        Assert.Equal(counted, model.Inventory.Parameters);
        Assert.True(OfficialCount.Parse("20.91B").Matches(model.Inventory.Parameters), $"{model.Inventory.Parameters:N0} is not 20.91B");
        Assert.Empty(InventoryCheck.Compare(model.Inventory, SafetensorsShapes.GptOss20bSpec));
        Assert.Equal(QuantizationMethod.Mxfp4, model.Quantization!.Method);
        Assert.NotNull(model.Config);
        Assert.Empty(InventoryCheck.Compare(model.Inventory, model.Config!.Spec));
        // The MoE weights: 24 layers × 32 experts × 3 × 2880 × 2880 values in 4 bits, plus one scale byte per 32 values.
        long expertValues = 24L * 32 * 3 * 2880 * 2880;
        var mx = model.Inventory.ParametersByType.Single(x => x.Type == "MXFP4");
        Assert.Equal((expertValues, expertValues / 2), (mx.Parameters, mx.Bytes));
        Assert.Equal(expertValues / 32, model.Inventory.Tensors.Where(t => t.Role == TensorRole.QuantizationMetadata).Sum(t => t.Bytes));
    }
}
