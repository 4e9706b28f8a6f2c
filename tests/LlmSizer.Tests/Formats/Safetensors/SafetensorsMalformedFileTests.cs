using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

/// <summary>A corpus of broken .safetensors files, generated here; each must fail with its own exact message, never a crash.</summary>
public class SafetensorsMalformedFileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string PathOf(string name) => Path.Combine(dir.Path, name);

    /// <summary>A tensor entry around a field list, for one-tensor headers.</summary>
    private static string Header(string entry) => $"{{\"t\":{{{entry}}}}}";

    private static string Fails(string path)
    {
        using var source = new FileByteSource(path);
        return Assert.Throws<InputException>(() => SafetensorsReader.Read(source)).Message;
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused()
    {
        string path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);

        Assert.Equal($"{path}:0: expected an 8-byte little-endian header length, found a file of 5 bytes", Fails(path));
    }

    [Fact]
    public void A_header_length_larger_than_the_file_is_refused_before_anything_is_allocated()
    {
        string path = SafetensorsWriter.WriteRaw(PathOf("long.safetensors"), 1000, Encoding.UTF8.GetBytes("{}"), 100);

        Assert.Equal($"{path}:0: expected a header length of at most 92 bytes (what follows the length in this 100-byte file), found 1,000", Fails(path));
    }

    [Fact]
    public void A_header_length_over_the_formats_100_MB_limit_is_refused_even_when_the_file_is_that_large()
    {
        // Sparse: 200 MB of length, no disk used.
        string path = SafetensorsWriter.WriteRaw(PathOf("huge.safetensors"), 150_000_000, Encoding.UTF8.GetBytes("{}"), 200_000_000);
        string max = SafetensorsWriter.WriteRaw(PathOf("max.safetensors"), ulong.MaxValue, [], 16);

        Assert.Equal($"{path}:0: expected a header length of at most 100,000,000 bytes (the format's limit), found 150,000,000", Fails(path));
        Assert.Equal($"{max}:0: expected a header length of at most 100,000,000 bytes (the format's limit), found 18,446,744,073,709,551,615", Fails(max));
    }

    [Fact]
    public void A_file_cut_short_is_refused_inside_the_header_or_inside_the_data()
    {
        var writer = new SafetensorsWriter().Add("a", "F32", 4).Add("b", "F32", 4);
        string whole = writer.Write(PathOf("whole.safetensors"));
        long headerEnd = 8 + writer.HeaderJson().Length / 8 * 8 + 8;
        string inData = writer.Write(PathOf("cut-data.safetensors"), dataLength: 20);
        string inHeader = writer.Write(PathOf("cut-header.safetensors"), dataLength: 0);
        using (var f = new FileStream(inHeader, FileMode.Open))
            f.SetLength(40);

        Assert.Equal(headerEnd + 32, new FileInfo(whole).Length);
        Assert.Equal($"{inData}: tensor 'b': expected data_offsets within the 20 bytes of data after the header, found [16, 32] (the file is truncated or the offsets are wrong)", Fails(inData));
        Assert.Equal($"{inHeader}:0: expected a header length of at most 32 bytes (what follows the length in this 40-byte file), found {headerEnd - 8}", Fails(inHeader));
    }

    [Fact]
    public void An_empty_header_is_refused()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("empty.safetensors"), "");
        string blank = SafetensorsWriter.WriteHeader(PathOf("blank.safetensors"), "        ");

        Assert.Equal($"{path}:8: expected a JSON object header, found an empty header", Fails(path));
        Assert.Equal($"{blank}:8: expected a JSON object header, found an empty header", Fails(blank));
    }

    [Fact]
    public void Invalid_json_is_refused_at_the_offending_byte()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("syntax.safetensors"), "{\"t\": x}");
        string open = SafetensorsWriter.WriteHeader(PathOf("open.safetensors"), "{\"t\": {\"dtype\": \"F16\"");
        string comment = SafetensorsWriter.WriteHeader(PathOf("comment.safetensors"), "{/* c */}");

        Assert.Equal($"{path}:14: expected valid JSON in the header, found 'x'", Fails(path));
        Assert.Equal($"{open}:29: expected valid JSON in the header, found the end of the text inside an unfinished value", Fails(open));
        Assert.Equal($"{comment}:9: expected valid JSON in the header, found '/'", Fails(comment));
    }

    [Fact]
    public void Deep_nesting_is_refused_without_recursion()
    {
        string deep = "{\"t\":{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}}";
        string path = SafetensorsWriter.WriteHeader(PathOf("deep.safetensors"), deep);

        Assert.Equal($"{path}:{8 + 10 + 62}: expected valid JSON in the header, found '['", Fails(path));
    }

    [Fact]
    public void Text_after_the_header_object_other_than_padding_is_refused()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("trailing.safetensors"), "{}  x");

        Assert.Equal($"{path}:12: expected only space padding after the header's JSON object, found 'x'", Fails(path));
    }

    [Fact]
    public void Invalid_utf8_in_a_name_is_refused()
    {
        byte[] header = [.. "{\""u8, 0xFF, 0xFE, .. "\":{}}"u8];
        string path = SafetensorsWriter.WriteRaw(PathOf("utf8.safetensors"), (ulong)header.Length, header, 8 + header.Length);

        Assert.Equal($"{path}:9: expected UTF-8 text in the header's strings, found invalid bytes", Fails(path));
    }

    [Theory]
    [InlineData("[1, 2]", "an array")]
    [InlineData("\"tensors\"", "a string \"tensors\"")]
    [InlineData("42", "the number 42")]
    [InlineData("null", "null")]
    public void A_header_that_is_not_an_object_is_refused(string json, string found)
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("notobject.safetensors"), json);

        Assert.Equal($"{path}:8: expected the header to be a JSON object, found {found}", Fails(path));
    }

    [Fact]
    public void A_duplicate_tensor_name_is_refused_although_json_allows_it()
    {
        string path = new SafetensorsWriter().Add("w", "F16", 2).Add("w", "F16", 2).Write(PathOf("dup.safetensors"));

        Assert.Equal($"{path}: tensor 'w': expected each tensor name once in the header, found it a second time", Fails(path));
    }

    [Fact]
    public void A_duplicate_field_in_a_tensor_entry_is_refused()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("dupfield.safetensors"),
            Header("\"dtype\":\"F16\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,2]"), 2);

        Assert.Equal($"{path}: tensor 't': expected one \"dtype\" field, found a second", Fails(path));
    }

    [Fact]
    public void A_second_metadata_map_and_non_string_metadata_are_refused()
    {
        string twice = SafetensorsWriter.WriteHeader(PathOf("meta2.safetensors"), "{\"__metadata__\":{},\"__metadata__\":{}}");
        string number = new SafetensorsWriter().AddRaw("__metadata__", "{\"format\":\"pt\",\"n\":1}").Write(PathOf("meta-number.safetensors"));
        string array = SafetensorsWriter.WriteHeader(PathOf("meta-array.safetensors"), "{\"__metadata__\":[]}");

        Assert.Equal($"{twice}: __metadata__: expected one __metadata__ entry, found a second", Fails(twice));
        Assert.Equal($"{number}: __metadata__ 'n': expected a string value (the format allows no other), found the number 1", Fails(number));
        Assert.Equal($"{array}: __metadata__: expected an object of strings, found an array", Fails(array));
    }

    [Fact]
    public void An_unknown_dtype_is_refused_with_the_known_ones_listed()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("dtype.safetensors"), Header("\"dtype\":\"Q4_0\",\"shape\":[32],\"data_offsets\":[0,18]"), 18);

        Assert.Equal($"{path}: tensor 't': expected a dtype of BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, "
            + "F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64; found \"Q4_0\"", Fails(path));
    }

    [Theory]
    [InlineData("\"dtype\":\"F16\",\"data_offsets\":[0,2]", "expected a \"shape\" field, found none")]
    [InlineData("\"shape\":[1],\"data_offsets\":[0,2]", "expected a \"dtype\" field, found none")]
    [InlineData("\"dtype\":\"F16\",\"shape\":[1]", "expected a \"data_offsets\" field, found none")]
    [InlineData("\"dtype\":16,\"shape\":[1],\"data_offsets\":[0,2]", "expected dtype to be a string such as \"BF16\", found the number 16")]
    public void A_tensor_entry_missing_a_field_or_with_a_mistyped_one_is_refused(string fields, string problem)
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("fields.safetensors"), Header(fields), 2);

        Assert.Equal($"{path}: tensor 't': {problem}", Fails(path));
    }

    [Fact]
    public void A_tensor_entry_that_is_not_an_object_is_refused()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("entry.safetensors"), "{\"t\":5}");

        Assert.Equal($"{path}: tensor 't': expected an object with dtype, shape and data_offsets, found the number 5", Fails(path));
    }

    [Theory]
    [InlineData("[-1, 4]", "expected shape to list non-negative integers, found the number -1")]
    [InlineData("[2.5]", "expected shape to list non-negative integers, found the number 2.5")]
    [InlineData("[2.0]", "expected shape to list non-negative integers, found the number 2.0")]
    [InlineData("[1e3]", "expected shape to list non-negative integers, found the number 1e3")]
    [InlineData("[\"4\"]", "expected shape to list non-negative integers, found a string \"4\"")]
    [InlineData("[99999999999999999999]", "expected shape to list non-negative integers, found the number 99999999999999999999")]
    [InlineData("4", "expected shape to be an array of non-negative integers, found the number 4")]
    [InlineData("[4294967296, 4294967296]", "expected a shape whose size in bytes fits in 64 bits, found [4294967296, 4294967296] of F16")]
    [InlineData("[2305843009213693952]", "expected a shape whose size in bytes fits in 64 bits, found [2305843009213693952] of F16")]
    public void A_negative_fractional_or_overflowing_shape_is_refused(string shape, string problem)
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("shape.safetensors"), Header($"\"dtype\":\"F16\",\"shape\":{shape},\"data_offsets\":[0,8]"), 8);

        Assert.Equal($"{path}: tensor 't': {problem}", Fails(path));
    }

    [Fact]
    public void A_shape_of_too_many_dimensions_is_refused()
    {
        string shape = "[" + string.Join(",", Enumerable.Repeat("1", 65)) + "]";
        string path = SafetensorsWriter.WriteHeader(PathOf("dims.safetensors"), Header($"\"dtype\":\"F16\",\"shape\":{shape},\"data_offsets\":[0,2]"), 2);

        Assert.Equal($"{path}: tensor 't': expected a shape of at most 64 dimensions, found more", Fails(path));
    }

    [Fact]
    public void Sub_byte_values_that_do_not_fill_whole_bytes_are_refused()
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("f4.safetensors"), Header("\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]"), 2);

        Assert.Equal($"{path}: tensor 't': expected F4 values to fill whole bytes, found shape [3]: 3 values of 4 bits", Fails(path));
    }

    [Theory]
    [InlineData("[0]", "expected data_offsets to be [begin, end], found 1 value")]
    [InlineData("[]", "expected data_offsets to be [begin, end], found 0 values")]
    [InlineData("[0, 4, 8]", "expected data_offsets to be [begin, end], found more than two values")]
    [InlineData("{\"begin\": 0}", "expected data_offsets to be an array [begin, end], found an object")]
    [InlineData("[0, -4]", "expected data_offsets to hold non-negative integers, found the number -4")]
    [InlineData("[0, 4.5]", "expected data_offsets to hold non-negative integers, found the number 4.5")]
    [InlineData("[8, 0]", "expected data_offsets [begin, end] with begin ≤ end, found [8, 0]")]
    [InlineData("[0, 6]", "expected data_offsets spanning 8 bytes (shape [2, 2] of F16), found [0, 6] spanning 6")]
    [InlineData("[0, 10]", "expected data_offsets spanning 8 bytes (shape [2, 2] of F16), found [0, 10] spanning 10")]
    [InlineData("[8, 16]", "expected data_offsets within the 8 bytes of data after the header, found [8, 16] (the file is truncated or the offsets are wrong)")]
    [InlineData("[9223372036854775800, 9223372036854775807]", "expected data_offsets spanning 8 bytes (shape [2, 2] of F16), found [9223372036854775800, 9223372036854775807] spanning 7")]
    public void Data_offsets_of_the_wrong_length_reversed_outside_the_data_or_not_matching_the_shape_are_refused(string offsets, string problem)
    {
        string path = SafetensorsWriter.WriteHeader(PathOf("offsets.safetensors"), Header($"\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":{offsets}"), 8);

        Assert.Equal($"{path}: tensor 't': {problem}", Fails(path));
    }

    [Fact]
    public void Tensors_that_share_bytes_are_refused()
    {
        string path = new SafetensorsWriter()
            .AddRaw("a", "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}")
            .AddRaw("b", "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}")
            .Write(PathOf("overlap.safetensors"), dataLength: 12);
        string same = new SafetensorsWriter()
            .AddRaw("a", "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}")
            .AddRaw("b", "{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}")
            .Write(PathOf("alias.safetensors"), dataLength: 8);

        Assert.Equal($"{path}: tensor 'b': expected bytes no other tensor uses, found [4, 12] overlapping tensor 'a' at [0, 8]", Fails(path));
        Assert.Equal($"{same}: tensor 'b': expected bytes no other tensor uses, found [0, 8] overlapping tensor 'a' at [0, 8]", Fails(same));
    }

    [Fact]
    public void A_huge_name_is_shortened_in_the_message()
    {
        string name = new('n', 100_000);
        string path = SafetensorsWriter.WriteHeader(PathOf("name.safetensors"), $"{{\"{name}\":5}}");

        Assert.Equal($"{path}: tensor '{new string('n', 80)}…': expected an object with dtype, shape and data_offsets, found the number 5", Fails(path));
    }
}
