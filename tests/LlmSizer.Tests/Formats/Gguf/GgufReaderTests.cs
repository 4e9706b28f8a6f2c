using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Precision;
using LlmSizer.Tests.Support;
using Xunit;
using V = LlmSizer.Tests.Support.GgufWriter.Value;

namespace LlmSizer.Tests.Formats.Gguf;

public class GgufReaderTests
{
    private static GgufHeader Read(GgufWriter writer, long? length = null)
    {
        using var dir = new TempDirectory();
        string path = writer.Write(Path.Combine(dir.Path, "model.gguf"), length);
        using var source = new FileByteSource(path);
        return GgufReader.Read(source);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    public void Versions_2_and_3_are_read_alike(uint version)
    {
        var w = new GgufWriter { Version = version }.Add("general.architecture", "llama").Tensor("w", "F32", 8, 2);
        var header = Read(w);
        Assert.Equal((int)version, header.Version);
        Assert.Equal("llama", header.Metadata.Architecture);
        Assert.Equal(64, header.Tensors.Single().Bytes);
    }

    [Fact]
    public void Every_metadata_value_type_reads_back_with_its_value()
    {
        var w = new GgufWriter()
            .Add("u8", V.U8(200)).Add("i8", V.I8(-100)).Add("u16", V.U16(60_000)).Add("i16", V.I16(-30_000))
            .Add("u32", V.U32(4_000_000_000)).Add("i32", V.I32(-2_000_000_000)).Add("f32", V.F32(1.5f))
            .Add("bool", V.Bool(true)).Add("string", V.Str("héllo")).Add("u64", V.U64(ulong.MaxValue))
            .Add("i64", V.I64(long.MinValue)).Add("f64", V.F64(2.25)).Add("array", V.U32s([1, 2, 3]));
        var md = Read(w).Metadata;

        Assert.Equal(["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "u64", "i64", "f64", "array"], md.Keys);
        Assert.Equal(200, md.Integer("u8"));
        Assert.Equal(-100, md.Integer("i8"));
        Assert.Equal(60_000, md.Integer("u16"));
        Assert.Equal(-30_000, md.Integer("i16"));
        Assert.Equal(4_000_000_000, md.Integer("u32"));
        Assert.Equal(-2_000_000_000, md.Integer("i32"));
        Assert.Equal(1.5, md.Number("f32"));
        Assert.True(md.Bool("bool"));
        Assert.Equal("héllo", md.String("string"));
        Assert.Equal(6, md.Find("string")!.ByteLength);
        Assert.Equal("18446744073709551615", md.Find("u64")!.ToString());
        Assert.Null(md.Find("u64")!.AsInt64);
        Assert.Equal(long.MinValue, md.Integer("i64"));
        Assert.Equal(2.25, md.Number("f64"));
        Assert.Equal([1L, 2, 3], md.IntegerArray("array"));
        Assert.Equal(3, md.ArrayLength("array"));
        Assert.Equal(GgufValueType.UInt32, md.Find("array")!.ElementType);
    }

    [Fact]
    public void Nested_arrays_keep_their_structure()
    {
        var w = new GgufWriter().Add("nested", V.Array(GgufValueType.Array,
            V.Array(GgufValueType.String, V.Str("a"), V.Str("b")),
            V.Array(GgufValueType.Int16, V.I16(-1)),
            V.Array(GgufValueType.Array, V.Array(GgufValueType.Bool, V.Bool(false)))));
        var nested = Read(w).Metadata.Find("nested")!;

        Assert.Equal(GgufValueType.Array, nested.ElementType);
        Assert.Equal(3, nested.Count);
        Assert.Equal(["a", "b"], nested.Items![0].Items!.Select(v => v.Text));
        Assert.Equal(-1, nested.Items[1].Items![0].AsInt64);
        Assert.False(nested.Items[2].Items![0].Items![0].AsBool);
    }

    [Fact]
    public void A_tokenizer_vocabulary_keeps_its_length_and_type_but_not_its_tokens()
    {
        var scores = new byte[152_000 * 4];
        var w = new GgufWriter()
            .Add("tokenizer.ggml.tokens", GgufModels.Tokens(152_000))
            .Add("tokenizer.ggml.scores", V.RawArray((uint)GgufValueType.Float32, 152_000, scores))
            .Add("tokenizer.ggml.merges", GgufModels.Merges(151_000))
            .Add("after", "still read");
        var md = Read(w).Metadata;

        Assert.Equal(152_000, md.ArrayLength("tokenizer.ggml.tokens"));
        Assert.Null(md.Find("tokenizer.ggml.tokens")!.Items);
        Assert.Equal(GgufValueType.Float32, md.Find("tokenizer.ggml.scores")!.ElementType);
        Assert.Null(md.Find("tokenizer.ggml.scores")!.Items);
        Assert.Equal(151_000, md.ArrayLength("tokenizer.ggml.merges"));
        Assert.Equal("still read", md.String("after"));
    }

    [Fact]
    public void A_string_longer_than_one_mebibyte_keeps_its_length_only()
    {
        var w = new GgufWriter().Add("tokenizer.huggingface.json", new string('x', 3 << 20)).Add("after", 7u);
        var md = Read(w).Metadata;

        Assert.Null(md.String("tokenizer.huggingface.json"));
        Assert.Equal(3 << 20, md.Find("tokenizer.huggingface.json")!.ByteLength);
        Assert.Equal(7, md.Integer("after"));
    }

    [Fact]
    public void The_data_section_starts_at_the_end_of_the_tensor_infos_rounded_up_to_32_bytes()
    {
        var w = new GgufWriter().Tensor("a", "F32", 3).Tensor("b", "F16", 5);
        var header = Read(w);

        Assert.Equal(32, header.Alignment);
        Assert.Equal(w.Positions["data"], header.DataOffset);
        Assert.Equal(0, header.DataOffset % 32);
        Assert.InRange(header.DataOffset - w.Positions["offset:b"] - 8, 0, 31);
        Assert.Equal([0L, 32], header.Tensors.Select(t => t.Offset));
        Assert.Equal(header.DataOffset + 32 + 10, header.Length);
    }

    [Fact]
    public void A_general_alignment_of_64_aligns_the_data_section_and_the_offsets_to_64()
    {
        var w = new GgufWriter().Aligned(64).Tensor("a", "F32", 3).Tensor("b", "Q8_0", 32, 3).Tensor("c", "F32", 1);
        var header = Read(w);

        Assert.Equal(64, header.Alignment);
        Assert.Equal(0, header.DataOffset % 64);
        Assert.Equal(w.Positions["data"], header.DataOffset);
        Assert.Equal([0L, 64, 192], header.Tensors.Select(t => t.Offset));
        Assert.Equal(102, header.Tensors[1].Bytes);
    }

    [Fact]
    public void Every_ggml_weight_type_takes_whole_blocks_of_its_block_bytes()
    {
        var w = new GgufWriter();
        var types = GgmlType.All.Where(t => !t.RuntimeOnly).ToList();
        foreach (var t in types)
            w.Tensor($"t.{t.Name}", t.Id, [2L * t.BlockElements, 3]);
        var header = Read(w);

        Assert.Equal(types.Count, header.Tensors.Count);
        foreach (var (type, tensor) in types.Zip(header.Tensors))
        {
            Assert.Equal(type, tensor.Type);
            Assert.Equal(6L * type.BlockElements, tensor.Elements);
            Assert.Equal(6L * type.BlockBytes, tensor.Bytes);
        }
        Assert.Equal(header.DataOffset + w.DataBytes, header.Length);
    }

    [Theory]
    [InlineData("Q4_K", 4096, 4096, 9_437_184)]
    [InlineData("Q6_K", 4096, 128_256, 430_940_160)]
    [InlineData("IQ2_XXS", 7168, 2048, 3_784_704)]
    [InlineData("MXFP4", 2880, 2880, 4_406_400)]
    [InlineData("TQ1_0", 2560, 6912, 3_732_480)]
    [InlineData("BF16", 896, 151_936, 272_269_312)]
    public void Quantized_tensor_sizes_follow_the_block_arithmetic(string type, long ne0, long ne1, long bytes)
    {
        var header = Read(new GgufWriter().Tensor("w", type, ne0, ne1));
        Assert.Equal(bytes, header.Tensors.Single().Bytes);
    }

    [Fact]
    public void Dimensions_are_kept_in_ggml_order_with_the_row_length_first()
    {
        var tensor = Read(new GgufWriter().Tensor("token_embd.weight", "Q4_K", 4096, 128_256)).Tensors.Single();
        Assert.Equal([4096L, 128_256], tensor.Dimensions);
        Assert.Equal(4096L * 128_256, tensor.Elements);
    }

    [Fact]
    public void A_tensor_with_no_dimensions_is_a_single_value()
    {
        var tensor = Read(new GgufWriter().Tensor("scale", GgmlType.FromName("F32")!.Id, [])).Tensors.Single();
        Assert.Empty(tensor.Dimensions);
        Assert.Equal(1, tensor.Elements);
        Assert.Equal(4, tensor.Bytes);
    }

    [Fact]
    public void A_file_without_tensors_is_a_valid_header()
    {
        var header = Read(new GgufWriter().Add("general.architecture", "llama"));
        Assert.Empty(header.Tensors);
        Assert.Equal(0, header.TensorBytes);
    }

    [Fact]
    public void Asking_for_a_value_as_the_wrong_type_names_the_key_and_both_types()
    {
        var w = new GgufWriter().Add("general.architecture", 7u);
        var header = Read(w);
        var e = Assert.Throws<LlmSizer.Errors.InputException>(() => header.Metadata.Architecture);
        Assert.Equal($"{header.Name}:{w.Positions["value:general.architecture"]}: general.architecture: expected a string, found uint32 7", e.Message);
    }
}
