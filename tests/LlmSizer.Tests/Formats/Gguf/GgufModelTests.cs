using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Gguf;

public class GgufModelTests
{
    [Fact]
    public void The_inventory_lists_every_tensor_with_its_type_bytes_and_category()
    {
        var model = GgufArchitectureTests.Open(GgufModels.Writer(GgufModels.Llama31_8B));
        var inventory = model.Inventory;

        Assert.Equal("gguf", inventory.Format);
        Assert.Equal(1 + 1 + 32 * 9 + 2, inventory.Tensors.Count);
        var embd = inventory.Tensors.Single(t => t.Name == "token_embd.weight");
        Assert.Equal([128_256L, 4096], embd.Shape);
        Assert.Equal("Q4_K", embd.Type);
        Assert.Equal(525_336_576, embd.Parameters);
        Assert.Equal(525_336_576L / 256 * 144, embd.Bytes);
        Assert.Equal(ParameterCategory.Embedding, embd.Category);
        Assert.Equal(ParameterCategory.Attention, inventory.Tensors.Single(t => t.Name == "blk.3.attn_k.weight").Category);
        Assert.Equal(ParameterCategory.Mlp, inventory.Tensors.Single(t => t.Name == "blk.3.ffn_down.weight").Category);
        Assert.Equal(ParameterCategory.Norm, inventory.Tensors.Single(t => t.Name == "blk.3.ffn_norm.weight").Category);
        Assert.Equal(ParameterCategory.LmHead, inventory.Tensors.Single(t => t.Name == "output.weight").Category);
        Assert.Equal("Q6_K", inventory.Tensors.Single(t => t.Name == "output.weight").Type);
    }

    [Fact]
    public void The_quant_mix_and_bits_per_weight_come_from_the_stored_types()
    {
        var inventory = GgufArchitectureTests.Open(GgufModels.Writer(GgufModels.Llama31_8B)).Inventory;
        var byType = inventory.ParametersByType.ToDictionary(x => x.Type);

        Assert.Equal(["Q4_K", "Q6_K", "F32"], inventory.ParametersByType.Select(x => x.Type));
        Assert.Equal(525_336_576, byType["Q6_K"].Parameters);
        Assert.Equal(65 * 4096 * 4, byType["F32"].Bytes);
        // Q4_K 4.5 bits, the Q6_K output matrix 6.5625 bits, F32 norms; the rope_freqs buffer's 256 bytes count as bytes.
        Assert.Equal(4_653_375_744, inventory.Bytes);
        Assert.Equal(8.0 * 4_653_375_744 / 8_030_261_248, inventory.BitsPerWeight);
    }

    [Fact]
    public void Files_report_their_name_length_version_tensor_count_and_header_size()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        writer.Version = 2;
        string path = writer.Write(Path.Combine(dir.Path, "qwen.gguf"));

        var file = GgufModel.Open(path).Files.Single();

        Assert.Equal(new GgufFile(path, new FileInfo(path).Length, 2, writer.TensorNames.Count, writer.Positions["data"]), file);
    }

    [Fact]
    public void Metadata_is_available_through_typed_accessors()
    {
        var model = GgufArchitectureTests.Open(GgufModels.Writer(GgufModels.Qwen3_06B));
        Assert.Equal("qwen3", model.Architecture);
        Assert.Equal("Qwen3-0.6B", model.Metadata.Name);
        Assert.Equal(28, model.Metadata.Integer("qwen3.block_count"));
        Assert.Equal(151_936, model.Metadata.ArrayLength("tokenizer.ggml.tokens"));
        Assert.Equal(1e-5, model.Metadata.Number("qwen3.attention.layer_norm_rms_epsilon")!.Value, 9);
        Assert.Null(model.Metadata.String("general.license"));
    }

    [Fact]
    public void Only_the_header_is_read_even_from_a_large_file()
    {
        var writer = GgufModels.Writer(GgufModels.Llama31_8B);
        byte[] header = writer.Header();
        long length = header.Length + writer.DataBytes; // about 4.7 GB
        using var source = new GgufMemorySource("llama.gguf", header, length);

        var model = GgufModel.Open(source, _ => throw new InvalidOperationException("no siblings"));

        Assert.Equal(length, model.Files.Single().Length);
        Assert.True(length > 4_000_000_000);
        // Everything up to the last tensor info; the alignment padding after it need not be read.
        Assert.InRange(source.BytesRead, header.Length - 31, header.Length);
        Assert.InRange(source.Reads, 1, 4);
    }

    [Fact]
    public void A_missing_file_is_an_input_error()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "absent.gguf");
        var e = Assert.Throws<InputException>(() => GgufModel.Open(path));
        Assert.Equal($"{path}: file: expected a GGUF file, found nothing at this path", e.Message);
    }

    [Fact]
    public void A_file_without_an_architecture_still_counts_its_tensors()
    {
        var model = GgufArchitectureTests.Open(new GgufWriter().Tensor("a.weight", "Q8_0", 64, 2));
        Assert.Null(model.Spec);
        Assert.Equal(128, model.Inventory.Parameters);
        Assert.Contains("no general.architecture in the metadata: parameters come from the tensors alone, and no architecture is mapped", model.Notes);
    }

    [Fact]
    public void Tensors_not_packed_in_order_are_read_with_a_note_that_llama_cpp_refuses_them()
    {
        using var dir = new TempDirectory();
        string path = new GgufWriter().Tensor("a", "F32", 8).Tensor("b", 0, [8], offset: 64).Write(Path.Combine(dir.Path, "gap.gguf"));

        var model = GgufModel.Open(path);

        Assert.Equal(16, model.Inventory.Parameters);
        Assert.Contains($"{path}: \"b\" starts at data offset 64 where ggml expects 32 (tensors packed in order); llama.cpp refuses such a file", model.Notes);
    }

    [Fact]
    public void Tensors_written_by_the_test_writer_are_packed_as_ggml_expects() =>
        Assert.DoesNotContain(GgufArchitectureTests.Open(GgufModels.Writer(GgufModels.GptOss20B)).Notes, n => n.Contains("packed in order"));

    [Fact]
    public void The_supported_architectures_are_llama_cpps_names()
    {
        Assert.Contains("gpt-oss", GgufModel.SupportedArchitectures);
        Assert.Contains("deepseek2", GgufModel.SupportedArchitectures);
        Assert.Contains("cohere2", GgufModel.SupportedArchitectures);
        Assert.Contains("llama4", GgufModel.SupportedArchitectures);
        Assert.Contains("qwen3next", GgufModel.SupportedArchitectures);
        Assert.Contains("granitehybrid", GgufModel.SupportedArchitectures);
        Assert.Contains("lfm2", GgufModel.SupportedArchitectures);
        Assert.Equal(17, GgufModel.SupportedArchitectures.Count);
    }
}
