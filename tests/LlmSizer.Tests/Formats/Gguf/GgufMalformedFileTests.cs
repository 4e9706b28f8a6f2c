using System.Buffers.Binary;
using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;
using V = LlmSizer.Tests.Support.GgufWriter.Value;

namespace LlmSizer.Tests.Formats.Gguf;

/// <summary>
/// A corpus of broken and hostile GGUF files, generated here, each refused with its exact message:
/// <c>FILE:OFFSET: expected …, found …</c> (FILE stands for the temporary path).
/// </summary>
public class GgufMalformedFileTests
{
    private const string F32 = "F32";

    /// <summary>
    /// One metadata entry and one tensor. Layout: header 0–24; key length 24, key 32–52, type 52, string length 56,
    /// "llama" 64–69; tensor info 69: name length 69, "w" 77, n_dims 78, ne[0] 82, type 90, offset 94–102;
    /// data section at 128 (32-byte alignment), 32 bytes of data, file length 160.
    /// </summary>
    private static GgufWriter Base() => new GgufWriter().Add("general.architecture", "llama").Tensor("w", F32, 8);

    /// <summary>
    /// One tensor, no metadata. Layout: tensor info 24: name length 24, "w" 32, n_dims 33, ne[0] 37 (ne[1] 45 with
    /// two dimensions); with one dimension: type 45, offset 49–57; data at 64.
    /// </summary>
    private static GgufWriter OneTensor(int typeId, params long[] dims) => new GgufWriter().Tensor("w", typeId, dims);

    private static string Error(GgufWriter writer, long? length = null)
    {
        using var dir = new TempDirectory();
        string path = writer.Write(Path.Combine(dir.Path, "m.gguf"), length);
        return Error(path);
    }

    private static string Error(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.gguf");
        File.WriteAllBytes(path, bytes);
        return Error(path);
    }

    private static string Error(string path)
    {
        var e = Assert.Throws<InputException>(() => GgufModel.Open(path));
        Assert.StartsWith(path, e.Message);
        return "FILE" + e.Message[path.Length..];
    }

    private static byte[] Patch(byte[] bytes, int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
        return bytes;
    }

    [Theory]
    [InlineData(0, "FILE:0: expected the magic \"GGUF\" (4 bytes), found 0 bytes before the end of the file")]
    [InlineData(2, "FILE:0: expected the magic \"GGUF\" (4 bytes), found 2 bytes before the end of the file")]
    [InlineData(6, "FILE:4: expected the version (4 bytes), found 2 bytes before the end of the file")]
    [InlineData(12, "FILE:8: expected the tensor count (8 bytes), found 4 bytes before the end of the file")]
    [InlineData(30, "FILE:8: expected a tensor count that the 14 bytes left can hold (at most 0, at 25 bytes or more per tensor info), found 1")]
    [InlineData(45, "FILE:32: expected metadata key 0 (20 bytes), found 13 bytes before the end of the file")]
    [InlineData(54, "FILE:52: expected the value type of \"general.architecture\" (4 bytes), found 2 bytes before the end of the file")]
    [InlineData(60, "FILE:56: expected the length of the value of \"general.architecture\" (8 bytes), found 4 bytes before the end of the file")]
    [InlineData(66, "FILE:56: expected the value of \"general.architecture\" to fit in the 2 bytes left, found a string length of 5")]
    [InlineData(72, "FILE:69: expected the length of the name of tensor info 0 (8 bytes), found 3 bytes before the end of the file")]
    [InlineData(85, "FILE:82: expected dimension 0 of \"w\" (8 bytes), found 3 bytes before the end of the file")]
    [InlineData(92, "FILE:90: expected the type of \"w\" (4 bytes), found 2 bytes before the end of the file")]
    [InlineData(100, "FILE:94: expected the data offset of \"w\" (8 bytes), found 6 bytes before the end of the file")]
    [InlineData(102, "FILE:69: expected the data of \"w\" (32 bytes at data offset 0, data section at byte 128) to end inside the file's 102 bytes, found it ending at byte 160")]
    public void A_file_cut_short_names_the_field_it_ends_in(int length, string message) =>
        Assert.Equal(message, Error(Base().Header()[..length]));

    [Fact]
    public void A_file_cut_inside_the_tensor_data_names_the_tensor() =>
        Assert.Equal("FILE:69: expected the data of \"w\" (32 bytes at data offset 0, data section at byte 128) to end inside the file's 150 bytes, found it ending at byte 160",
            Error(Base(), length: 150));

    [Fact]
    public void A_source_shorter_than_its_stated_length_is_refused_at_the_read_that_comes_up_short()
    {
        byte[] header = Base().Header();
        using var source = new GgufMemorySource("remote.gguf", header[..60], statedLength: 160);
        var e = Assert.Throws<InputException>(() => GgufReader.Read(source));
        Assert.Equal("remote.gguf:56: expected the length of the value of \"general.architecture\" (8 bytes), found the source ending 4 bytes later (shorter than its stated length 160)", e.Message);
    }

    [Fact]
    public void Another_format_is_refused_by_its_magic() =>
        Assert.Equal("FILE:0: expected the magic \"GGUF\" (47 47 55 46), found \"GGML\" (47 47 4D 4C)",
            Error(new GgufWriter { Magic = "GGML"u8.ToArray() }));

    [Fact]
    public void A_safetensors_file_is_refused_by_its_magic_shown_in_hex() =>
        Assert.Equal("FILE:0: expected the magic \"GGUF\" (47 47 55 46), found 50 01 00 00",
            Error(new GgufWriter { Magic = [0x50, 0x01, 0, 0] }));

    [Fact]
    public void Version_1_is_refused_with_the_reason() =>
        Assert.Equal("FILE:4: expected GGUF version 2 or 3, found version 1 (the 2023 draft with 32-bit counts, which llama.cpp no longer reads; convert the model again)",
            Error(new GgufWriter { Version = 1 }));

    [Fact]
    public void A_big_endian_file_is_recognised_by_its_byte_swapped_version() =>
        Assert.Equal("FILE:4: expected a little-endian GGUF file, found a big-endian one (version 3 byte-swapped); LlmSizer, like llama.cpp on x86 and ARM, reads little-endian files only",
            Error(new GgufWriter { Version = BinaryPrimitives.ReverseEndianness(3u) }));

    [Fact]
    public void A_future_version_is_refused() =>
        Assert.Equal("FILE:4: expected GGUF version 2 or 3, found version 4", Error(new GgufWriter { Version = 4 }));

    [Fact]
    public void A_huge_tensor_count_is_refused_before_anything_is_allocated() =>
        Assert.Equal("FILE:8: expected a tensor count of at most 65536, found 18446744073709551615",
            Error(new GgufWriter { TensorCountOverride = ulong.MaxValue }));

    [Fact]
    public void A_tensor_count_the_file_cannot_hold_is_refused()
    {
        var w = Base();
        w.TensorCountOverride = 1000;
        Assert.Equal("FILE:8: expected a tensor count that the 144 bytes left can hold (at most 5, at 25 bytes or more per tensor info), found 1000", Error(w));
    }

    [Fact]
    public void A_huge_metadata_entry_count_is_refused() =>
        Assert.Equal("FILE:16: expected a metadata entry count of at most 65536, found 18446744073709551615",
            Error(new GgufWriter { EntryCountOverride = ulong.MaxValue }));

    [Fact]
    public void A_huge_key_length_is_refused() =>
        Assert.Equal("FILE:24: expected metadata key 0 to be at most 1048576 bytes long, found a length of 18446744073709551615",
            Error(Patch(Base().Header(), 24, ulong.MaxValue)));

    [Fact]
    public void A_huge_string_length_is_refused_by_the_bytes_left() =>
        Assert.Equal("FILE:48: expected the value of \"general.name\" to fit in the 8 bytes left, found a string length of 18446744073709551615",
            Error(new GgufWriter().Add("general.name", V.Raw((uint)GgufValueType.String, BitConverter.GetBytes(ulong.MaxValue)))));

    [Fact]
    public void A_huge_array_length_is_refused_by_the_bytes_left() =>
        Assert.Equal("FILE:61: expected the value of \"tokenizer.ggml.tokens\" to fit in the 27 bytes left (at most 3 string elements), found an array length of 18446744073709551615",
            Error(new GgufWriter().Add("tokenizer.ggml.tokens", V.RawArray((uint)GgufValueType.String, ulong.MaxValue, []))));

    [Fact]
    public void A_huge_string_inside_an_array_is_refused_by_the_bytes_left() =>
        Assert.Equal("FILE:49: expected element 0 of \"x\" to fit in the 7 bytes left, found a string length of 4294967296",
            Error(new GgufWriter().Add("x", V.RawArray((uint)GgufValueType.String, 1, BitConverter.GetBytes(1UL << 32)))));

    [Fact]
    public void An_unknown_value_type_is_refused() =>
        Assert.Equal("FILE:33: expected a value type from 0 to 12 for \"x\", found 13", Error(new GgufWriter().Add("x", V.Raw(13, []))));

    [Fact]
    public void An_unknown_array_element_type_is_refused() =>
        Assert.Equal("FILE:37: expected an element type from 0 to 12 for the value of \"x\", found 99",
            Error(new GgufWriter().Add("x", V.RawArray(99, 0, []))));

    [Fact]
    public void A_bool_other_than_0_or_1_is_refused() =>
        Assert.Equal("FILE:37: expected the value of \"b\" to be a bool (0 or 1), found 7",
            Error(new GgufWriter().Add("b", V.Raw((uint)GgufValueType.Bool, [7]))));

    [Fact]
    public void An_empty_metadata_key_is_refused() =>
        Assert.Equal("FILE:24: expected a name for metadata key 0, found an empty one", Error(new GgufWriter().Add("", 1u)));

    [Fact]
    public void A_duplicate_metadata_key_is_refused() =>
        Assert.Equal("FILE:41: expected unique metadata keys, found \"k\" a second time",
            Error(new GgufWriter().Add("k", 1u).Add("k", 2u)));

    [Fact]
    public void Arrays_nested_eight_deep_are_read()
    {
        using var dir = new TempDirectory();
        var model = GgufModel.Open(new GgufWriter().Add("x", Nested(8)).Write(Path.Combine(dir.Path, "m.gguf")));
        Assert.Equal(GgufValueType.Array, model.Metadata.Find("x")!.ElementType);
    }

    [Fact]
    public void Arrays_nested_nine_deep_are_refused() =>
        // Each array head (element type and count) takes 12 bytes; the value of "x" starts at 37.
        Assert.Equal($"FILE:{37 + 7 * 12}: expected arrays nested at most 8 deep in element 0 of \"x\", found an array of arrays at depth 8",
            Error(new GgufWriter().Add("x", Nested(9))));

    /// <summary><paramref name="depth"/> arrays, each holding the next; the innermost holds one uint8.</summary>
    private static V Nested(int depth) =>
        depth == 1 ? V.Array(GgufValueType.UInt8, V.U8(1)) : V.Array(GgufValueType.Array, Nested(depth - 1));

    [Fact]
    public void A_tensor_with_five_dimensions_is_refused() =>
        Assert.Equal("FILE:33: expected at most 4 dimensions (GGML_MAX_DIMS) for \"w\", found 5", Error(OneTensor(0, 32, 1, 1, 1, 1)));

    [Fact]
    public void A_zero_dimension_is_refused() =>
        Assert.Equal("FILE:37: expected dimension 0 of \"w\" to be from 1 to 9223372036854775807, found 0", Error(OneTensor(0, 0, 4)));

    [Fact]
    public void A_dimension_beyond_2_to_the_63_is_refused() =>
        Assert.Equal("FILE:45: expected dimension 1 of \"w\" to be from 1 to 9223372036854775807, found 18446744073709551615",
            Error(OneTensor(0, 4, -1)));

    [Fact]
    public void Dimensions_whose_product_overflows_are_refused() =>
        Assert.Equal("FILE:33: expected the dimensions of \"w\" to multiply to fewer than 2^63 elements, found 4294967296 × 4294967296",
            Error(OneTensor(0, 1L << 32, 1L << 32)));

    [Fact]
    public void A_tensor_whose_bytes_overflow_is_refused() =>
        Assert.Equal("FILE:33: expected \"w\" to take fewer than 2^63 bytes, found 4611686018427387904 elements of F64",
            Error(OneTensor(28, 1L << 31, 1L << 31)));

    [Fact]
    public void An_unknown_ggml_type_is_refused() =>
        Assert.Equal("FILE:45: expected a ggml type LlmSizer knows for \"w\", found type id 99", Error(OneTensor(99, 32)));

    [Theory]
    [InlineData(4, "Q4_2")]
    [InlineData(5, "Q4_3")]
    [InlineData(31, "Q4_0_4_4")]
    [InlineData(36, "IQ4_NL_4_4")]
    public void A_removed_ggml_type_is_refused_by_name(int id, string name) =>
        Assert.Equal($"FILE:45: expected a current ggml type for \"w\", found type id {id} ({name}, since removed from ggml; convert the model again)",
            Error(OneTensor(id, 256)));

    [Theory]
    [InlineData(9, "Q8_1")]
    [InlineData(15, "Q8_K")]
    public void A_runtime_only_type_is_refused_as_a_weight(int id, string name) =>
        Assert.Equal($"FILE:45: expected a weight type for \"w\", found {name} (type id {id}), which ggml uses only for activations at run time",
            Error(OneTensor(id, 256)));

    [Fact]
    public void A_row_that_does_not_fill_whole_blocks_is_refused() =>
        Assert.Equal("FILE:33: expected the first dimension of \"w\" to be a multiple of Q4_K's block of 256 elements, found 100",
            Error(OneTensor(12, 100, 256)));

    [Fact]
    public void A_misaligned_offset_is_refused() =>
        Assert.Equal("FILE:49: expected the data offset of \"w\" to be a multiple of the alignment 32, found 16",
            Error(new GgufWriter().Tensor("w", 0, [8], offset: 16)));

    [Fact]
    public void An_offset_beyond_2_to_the_63_is_refused() =>
        Assert.Equal("FILE:49: expected the data offset of \"w\" to be below 2^63, found 18446744073709551584",
            Error(new GgufWriter().Tensor("w", 0, [8], offset: ulong.MaxValue - 31), length: 96));

    [Fact]
    public void Tensor_data_past_the_end_of_the_file_is_refused() =>
        Assert.Equal("FILE:24: expected the data of \"w\" (32 bytes at data offset 1099511627776, data section at byte 64) to end inside the file's 96 bytes, found it ending at byte 1099511627872",
            Error(new GgufWriter().Tensor("w", 0, [8], offset: 1UL << 40), length: 96));

    [Fact]
    public void A_duplicate_tensor_name_is_refused() =>
        Assert.Equal("FILE:57: expected unique tensor names, found \"w\" a second time",
            Error(new GgufWriter().Tensor("w", F32, 8).Tensor("w", F32, 8)));

    [Fact]
    public void Overlapping_tensor_data_is_refused() =>
        Assert.Equal("FILE:57: expected tensor data not to overlap, found \"b\" (data offsets 32 to 64) overlapping \"a\" (0 to 64)",
            Error(new GgufWriter().Tensor("a", 0, [16]).Tensor("b", 0, [8], offset: 32)));

    [Fact]
    public void A_tensor_lying_inside_another_is_refused() =>
        Assert.Equal("FILE:57: expected tensor data not to overlap, found \"b\" (data offsets 32 to 64) overlapping \"a\" (0 to 256)",
            Error(new GgufWriter().Tensor("a", 0, [64]).Tensor("b", 0, [8], offset: 32).Tensor("c", 0, [8], offset: 256)));

    [Fact]
    public void An_empty_tensor_name_is_refused() =>
        Assert.Equal("FILE:24: expected a name for tensor info 0, found an empty one", Error(new GgufWriter().Tensor("", F32, 8)));

    [Fact]
    public void A_tensor_name_longer_than_ggml_allows_is_refused() =>
        Assert.Equal("FILE:24: expected the name of tensor info 0 to be at most 63 bytes long (ggml's GGML_MAX_NAME), found a length of 64",
            Error(new GgufWriter().Tensor(new string('n', 64), F32, 8)));

    [Theory]
    [InlineData(48u)]
    [InlineData(0u)]
    [InlineData(1u << 20)]
    public void An_alignment_that_is_not_a_sane_power_of_two_is_refused(uint alignment) =>
        // "general.alignment" is 17 bytes: key 32–49, type 49, value 53.
        Assert.Equal($"FILE:53: general.alignment: expected a power of two from 1 to 65536, found {alignment}",
            Error(new GgufWriter().Add("general.alignment", alignment)));

    [Fact]
    public void An_alignment_that_is_not_an_integer_is_refused() =>
        Assert.Equal("FILE:53: general.alignment: expected an integer, found string \"32\"",
            Error(new GgufWriter().Add("general.alignment", "32")));

    [Fact]
    public void A_header_reaching_past_256_mebibytes_is_refused()
    {
        // A 300 MiB string in a sparse 400 MiB file: its length fits the file, but not the header cap.
        var w = new GgufWriter().Add("x", V.Raw((uint)GgufValueType.String, BitConverter.GetBytes(300UL << 20)));
        Assert.Equal("FILE:45: expected the header to end within its first 268435456 bytes, found the value of \"x\" reaching past them",
            Error(w, length: 400L << 20));
    }

    [Fact]
    public void A_metadata_value_of_the_wrong_type_is_an_error_at_its_offset() =>
        Assert.Equal("FILE:98: llama.block_count: expected an integer, found string \"32\"",
            Error(new GgufWriter().Add("general.architecture", "llama").Add("llama.block_count", "32")));
}
