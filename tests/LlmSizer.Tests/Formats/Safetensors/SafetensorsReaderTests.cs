using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

public class SafetensorsReaderTests
{
    public static TheoryData<string, int> Dtypes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, bits) in SafetensorsWriter.DtypeBits)
            data.Add(name, bits);
        return data;
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void A_tensor_of_every_dtype_occupies_its_elements_times_its_bits_over_eight_bytes(string dtype, int bits)
    {
        using var dir = new TempDirectory();
        string path = new SafetensorsWriter().Add("t", dtype, 3, 8).Write(Path.Combine(dir.Path, "one.safetensors"));

        var tensor = Assert.Single(ReadFile(path).Tensors);

        Assert.Equal(dtype, tensor.Dtype.Name);
        Assert.Equal(bits, tensor.Dtype.Bits);
        Assert.Equal(24, tensor.Elements);
        Assert.Equal(24L * bits / 8, tensor.Bytes);
    }

    [Fact]
    public void The_reader_knows_exactly_the_dtypes_of_the_format()
    {
        Assert.Equal(SafetensorsWriter.DtypeBits.Keys.Order(), SafetensorsDtype.All.Select(d => d.Name).Order());
        Assert.Null(SafetensorsDtype.FromName("f16")); // the format spells dtypes in capitals, and serde reads them exactly
    }

    [Fact]
    public void Sub_byte_dtypes_must_fill_whole_bytes()
    {
        Assert.Equal(1, SafetensorsDtype.FromName("F4")!.BytesFor(2));
        Assert.Null(SafetensorsDtype.FromName("F4")!.BytesFor(3));
        Assert.Equal(3, SafetensorsDtype.FromName("F6_E2M3")!.BytesFor(4));
        Assert.Null(SafetensorsDtype.FromName("F6_E3M2")!.BytesFor(2));
    }

    [Fact]
    public void A_single_file_gives_every_tensor_with_its_shape_type_bytes_and_category()
    {
        using var dir = new TempDirectory();
        string path = new SafetensorsWriter()
            .Metadata("format", "pt")
            .Add("model.embed_tokens.weight", "BF16", 1000, 64)
            .Add("model.layers.0.self_attn.q_proj.weight", "BF16", 64, 64)
            .Add("model.layers.0.mlp.up_proj.weight", "F32", 128, 64)
            .Add("model.layers.0.input_layernorm.weight", "F16", 64)
            .Add("model.norm.weight", "F16", 64)
            .Add("lm_head.weight", "BF16", 1000, 64)
            .Write(Path.Combine(dir.Path, "model.safetensors"));

        var model = SafetensorsModel.Open(path);

        Assert.Equal("safetensors", model.Inventory.Format);
        Assert.Equal("pt", model.Metadata["format"]);
        Assert.Null(model.Quantization);
        Assert.Null(model.Index);
        var file = Assert.Single(model.Files);
        Assert.Equal(new FileInfo(path).Length, file.Length);
        Assert.Equal(6, file.Tensors);
        Assert.Equal(0, file.HeaderBytes % 8); // 8-byte prefix + space-padded header
        Assert.Equal(
            ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.up_proj.weight",
             "model.layers.0.input_layernorm.weight", "model.norm.weight", "lm_head.weight"],
            model.Inventory.Tensors.Select(t => t.Name));
        var up = model.Inventory.Tensors[2];
        Assert.Equal([128L, 64L], up.Shape);
        Assert.Equal("F32", up.Type);
        Assert.Equal(8192, up.Parameters);
        Assert.Equal(32768, up.Bytes);
        Assert.Equal(ParameterCategory.Mlp, up.Category);
        Assert.Equal(new ParameterBreakdown(64_000, 4096, 8192, 128, 64_000, 0), model.Inventory.Breakdown);
        Assert.Equal(2 * 2 * 64_000 + 2 * 4096 + 4 * 8192 + 2 * 128, model.Inventory.Bytes);
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void Only_the_length_prefix_and_the_header_are_read_never_the_weights()
    {
        using var dir = new TempDirectory();
        string path = new SafetensorsWriter().Add("w", "BF16", 4096, 4096).Write(Path.Combine(dir.Path, "w.safetensors"));
        using var counting = new CountingByteSource(new FileByteSource(path));

        var header = SafetensorsReader.Read(counting);

        Assert.Equal(8 + header.HeaderLength, counting.BytesRead);
        Assert.Equal(header.DataStart, counting.BytesRead);
        Assert.Equal(4096L * 4096 * 2, header.DataLength);
    }

    [Fact]
    public void Scalars_and_empty_tensors_are_valid_tensors()
    {
        using var dir = new TempDirectory();
        string path = new SafetensorsWriter()
            .Add("scalar", "F32")
            .Add("empty", "F16", 0, 4096)
            .Add("after", "I64", 2)
            .Write(Path.Combine(dir.Path, "s.safetensors"));

        var tensors = ReadFile(path).Tensors;

        Assert.Equal((1L, 4L), (tensors[0].Elements, tensors[0].Bytes));
        Assert.Equal((0L, 0L), (tensors[1].Elements, tensors[1].Bytes));
        Assert.Equal((2L, 16L), (tensors[2].Elements, tensors[2].Bytes));
    }

    [Fact]
    public void Fields_a_tensor_entry_does_not_need_are_ignored_and_padding_is_allowed()
    {
        using var dir = new TempDirectory();
        string path = SafetensorsWriter.WriteHeader(Path.Combine(dir.Path, "x.safetensors"),
            "{\"t\":{\"shape\":[2],\"extra\":{\"deep\":[1,[2,[3]]]},\"data_offsets\":[0,4],\"dtype\":\"F16\"}}        ", dataLength: 4);

        var t = Assert.Single(ReadFile(path).Tensors);

        Assert.Equal(("t", 2L, 4L), (t.Name, t.Elements, t.Bytes));
    }

    [Fact]
    public void Bytes_that_belong_to_no_tensor_are_a_note_not_an_error()
    {
        using var dir = new TempDirectory();
        string path = new SafetensorsWriter().Add("t", "F32", 4).Write(Path.Combine(dir.Path, "t.safetensors"), dataLength: 24);

        var header = ReadFile(path);

        Assert.Equal($"{path}: 8 of the 24 data bytes belong to no tensor (gaps or trailing bytes; the format expects none)", Assert.Single(header.Notes));
    }

    [Fact]
    public void Escaped_names_are_unescaped_before_duplicates_are_looked_for()
    {
        using var dir = new TempDirectory();
        string path = SafetensorsWriter.WriteHeader(Path.Combine(dir.Path, "d.safetensors"),
            "{\"ab\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\\u0062\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2);

        var e = Assert.Throws<InputException>(() => ReadFile(path));

        Assert.Equal($"{path}: tensor 'ab': expected each tensor name once in the header, found it a second time", e.Message);
    }

    [Fact]
    public void A_folder_holding_one_file_opens_that_file_and_reads_the_config_beside_it()
    {
        using var dir = new TempDirectory();
        new SafetensorsWriter().Add("model.embed_tokens.weight", "F16", 10, 4).Write(Path.Combine(dir.Path, "model.safetensors"));
        dir.Write("config.json", """
            {"model_type": "llama", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1,
             "intermediate_size": 8, "tie_word_embeddings": true}
            """);

        var model = SafetensorsModel.Open(dir.Path);

        Assert.Equal(dir.Path, model.Path);
        Assert.Equal(40, model.Inventory.Parameters);
        Assert.NotNull(model.Config);
        Assert.Equal(4, model.Config!.Spec.HiddenSize);
    }

    [Fact]
    public void A_config_that_cannot_be_read_is_a_note_and_the_weights_are_still_read()
    {
        using var dir = new TempDirectory();
        new SafetensorsWriter().Add("w", "F16", 2).Write(Path.Combine(dir.Path, "model.safetensors"));
        dir.Write("config.json", "{\"model_type\": \"mamba\"}");

        var model = SafetensorsModel.Open(dir.Path);

        Assert.Null(model.Config);
        Assert.Contains(model.Notes, n => n.StartsWith("config.json beside the weights was not used for the architecture: field 'model_type'", StringComparison.Ordinal));
        Assert.Equal(2, model.Inventory.Parameters);
    }

    [Fact]
    public void A_folder_of_several_files_without_an_index_is_read_as_one_model_with_a_note()
    {
        using var dir = new TempDirectory();
        new SafetensorsWriter().Add("a", "F16", 2).Write(Path.Combine(dir.Path, "part-1.safetensors"));
        new SafetensorsWriter().Add("b", "F16", 3).Write(Path.Combine(dir.Path, "part-2.safetensors"));

        var model = SafetensorsModel.Open(dir.Path);

        Assert.Equal(5, model.Inventory.Parameters);
        Assert.Equal(2, model.Files.Count);
        Assert.Contains("no index in the folder: all 2 .safetensors files are read as one model; if they hold the same weights twice, pass the file you mean", model.Notes);
    }

    [Fact]
    public void The_same_tensor_in_two_files_of_a_folder_is_refused()
    {
        using var dir = new TempDirectory();
        string first = new SafetensorsWriter().Add("a", "F16", 2).Write(Path.Combine(dir.Path, "part-1.safetensors"));
        string second = new SafetensorsWriter().Add("a", "F16", 2).Write(Path.Combine(dir.Path, "part-2.safetensors"));

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(dir.Path));

        Assert.Equal($"{second}: tensor 'a': expected each tensor in one file of the folder, found it in {first} too", e.Message);
    }

    [Fact]
    public void A_path_that_holds_nothing_usable_is_refused_with_what_was_expected()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "nothing.safetensors");

        var none = Assert.Throws<InputException>(() => SafetensorsModel.Open(missing));
        var empty = Assert.Throws<InputException>(() => SafetensorsModel.Open(dir.Path));

        Assert.Equal($"{missing}: file: expected a .safetensors file, a model.safetensors.index.json or a folder holding them, found nothing at this path", none.Message);
        Assert.Equal($"{dir.Path}: folder: expected .safetensors files or a model.safetensors.index.json in it, found none", empty.Message);
    }

    private static SafetensorsHeader ReadFile(string path)
    {
        using var source = new FileByteSource(path);
        return SafetensorsReader.Read(source);
    }
}
