using LlmSizer.Formats;
using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Formats;

/// <summary>InventoryCheck works from tensor names, parameters and categories only, so GGUF inventories are checked the same way.</summary>
public class InventoryCheckTests
{
    /// <summary>vocab 100, hidden 8, ffn 16, untied; per layer 4·64 + 3·128 + 2·8 = 656.</summary>
    private static readonly ModelSpec Tiny = new()
    {
        Architecture = "llama", VocabSize = 100, HiddenSize = 8, Layers = 2, AttentionHeads = 2, KeyValueHeads = 2, FfnSize = 16,
    };

    private static TensorInfo Weight(string name, params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, d) => a * d);
        return new TensorInfo(name, shape, "F16", n, n, 2 * n, TensorRole.Weight, TensorClassifier.Classify(name));
    }

    /// <summary>A llama.cpp-named inventory of <see cref="Tiny"/> with the given layers.</summary>
    private static List<TensorInfo> Gguf(IEnumerable<int> layers, bool head = true)
    {
        var list = new List<TensorInfo> { Weight("token_embd.weight", 8, 100) };
        foreach (int i in layers)
        {
            foreach (string t in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
                list.Add(Weight($"blk.{i}.{t}.weight", 8, 8));
            foreach (string t in new[] { "ffn_gate", "ffn_up" })
                list.Add(Weight($"blk.{i}.{t}.weight", 8, 16));
            list.Add(Weight($"blk.{i}.ffn_down.weight", 16, 8));
            list.Add(Weight($"blk.{i}.attn_norm.weight", 8));
            list.Add(Weight($"blk.{i}.ffn_norm.weight", 8));
        }
        list.Add(Weight("output_norm.weight", 8));
        if (head)
            list.Add(Weight("output.weight", 8, 100));
        return list;
    }

    [Fact]
    public void A_gguf_inventory_that_matches_its_architecture_has_no_mismatch()
    {
        var inventory = new TensorInventory("gguf", Gguf([0, 1]));

        Assert.Equal(ParameterCounter.Count(Tiny).Total, inventory.Parameters);
        Assert.Empty(InventoryCheck.Compare(inventory, Tiny));
    }

    [Fact]
    public void A_missing_layer_is_reported_with_its_count_parameters_and_categories()
    {
        var inventory = new TensorInventory("gguf", Gguf([0]));

        Assert.Equal(
        [
            "layers: the tensor names number layers 0–0 (1 layer); the config says 2",
            "parameters: the tensors hold 2,264, the config implies 2,920 (difference -656)",
            "attention: the tensors hold 256, the config implies 512 (difference -256)",
            "mlp: the tensors hold 384, the config implies 768 (difference -384)",
            "norm: the tensors hold 24, the config implies 40 (difference -16)",
        ], InventoryCheck.Compare(inventory, Tiny));
    }

    [Fact]
    public void A_gap_in_the_layer_numbers_is_reported()
    {
        var inventory = new TensorInventory("gguf", Gguf([0, 2]));
        var spec = Tiny with { Layers = 3 };

        var mismatches = InventoryCheck.Compare(inventory, spec);

        Assert.Equal("layers: no tensor belongs to layer 1", mismatches[0]);
        Assert.Equal("parameters: the tensors hold 2,920, the config implies 3,576 (difference -656)", mismatches[1]);
    }

    [Fact]
    public void Tied_and_untied_heads_are_checked_against_the_config()
    {
        var withHead = new TensorInventory("gguf", Gguf([0, 1]));
        var withoutHead = new TensorInventory("gguf", Gguf([0, 1], head: false));

        Assert.Contains("tied embeddings: the config ties the LM head to the token embedding, but the file stores 'output.weight' (800 parameters)",
            InventoryCheck.Compare(withHead, Tiny with { TiedEmbeddings = true }));
        Assert.Contains("untied embeddings: the config has a separate LM head, but the file stores no LM head weight (lm_head.weight or output.weight)",
            InventoryCheck.Compare(withoutHead, Tiny));
        Assert.Empty(InventoryCheck.Compare(withoutHead, Tiny with { TiedEmbeddings = true }));
    }

    [Fact]
    public void Counts_can_agree_in_total_and_still_differ_by_category()
    {
        var tensors = Gguf([0, 1]);
        // Move 64 parameters from attention to "other" under a name the classifier does not know.
        int q = tensors.FindIndex(t => t.Name == "blk.1.attn_q.weight");
        tensors[q] = tensors[q] with { Category = ParameterCategory.Other };

        Assert.Equal(
        [
            "attention: the tensors hold 448, the config implies 512 (difference -64)",
            "other: the tensors hold 64, the config implies 0 (difference +64)",
        ], InventoryCheck.Compare(new TensorInventory("gguf", tensors), Tiny));
    }

    [Fact]
    public void Quantization_metadata_and_buffers_do_not_count_as_parameters()
    {
        var tensors = Gguf([0, 1]);
        tensors.Add(new TensorInfo("blk.0.attn_q.scales", [8], "F16", 8, 0, 16, TensorRole.QuantizationMetadata, ParameterCategory.Attention));
        tensors.Add(new TensorInfo("rope_freqs.weight", [4], "F32", 4, 0, 16, TensorRole.Buffer, ParameterCategory.Other));

        Assert.Empty(InventoryCheck.Compare(new TensorInventory("gguf", tensors), Tiny));
    }

    [Fact]
    public void Names_without_layer_numbers_are_reported()
    {
        var inventory = new TensorInventory("safetensors", [Weight("embedding", 100, 8), Weight("head", 100, 8)]);

        Assert.Equal("layers: no tensor name carries a layer number (layers.N., blk.N. or h.N.); the config says 2",
            InventoryCheck.Compare(inventory, Tiny)[0]);
    }

    [Theory]
    [InlineData("model.layers.7.self_attn.q_proj.weight", 7)]
    [InlineData("blk.12.attn_q.weight", 12)]
    [InlineData("transformer.h.3.attn.c_attn.weight", 3)]
    [InlineData("h.0.mlp.c_fc.weight", 0)]
    [InlineData("gpt_neox.layers.44.attention.dense.weight", 44)]
    [InlineData("model.decoder.layers.5.fc1.weight", 5)]
    public void Layer_numbers_are_read_from_hugging_face_gguf_and_gpt2_style_names(string name, int layer)
    {
        var inventory = new TensorInventory("safetensors", [Weight(name, 4)]);

        Assert.Equal([layer], InventoryCheck.LayerNumbers(inventory));
    }

    [Fact]
    public void Multi_token_prediction_layers_stored_after_the_main_ones_are_expected_when_present()
    {
        var spec = Tiny with { MultiTokenPredictionLayers = 1 };
        var tensors = Gguf([0, 1, 2]);

        var mismatches = InventoryCheck.Compare(new TensorInventory("gguf", tensors), spec);

        Assert.DoesNotContain(mismatches, m => m.StartsWith("layers:", StringComparison.Ordinal));
    }
}
