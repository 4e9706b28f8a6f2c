using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Precision;

public class GgmlTypeTests
{
    // Fixtures/reference/ggml-types.tsv is the project's reference copy of llama.cpp's GGML_QUANT_SIZES.
    private static IEnumerable<string[]> ReferenceRows() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "reference", "ggml-types.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("id\t"))
            .Select(l => l.Split('\t'));

    [Fact]
    public void Every_ggml_type_has_the_reference_block_size_and_bytes()
    {
        var rows = ReferenceRows().ToList();
        Assert.Equal(rows.Count, GgmlType.All.Count);
        foreach (var row in rows)
        {
            var type = GgmlType.FromId(int.Parse(row[0]));
            Assert.NotNull(type);
            Assert.Equal(row[1], type.Name);
            Assert.Equal(int.Parse(row[2]), type.BlockElements);
            Assert.Equal(int.Parse(row[3]), type.BlockBytes);
            Assert.Equal(double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture), type.BitsPerWeight, 6);
        }
    }

    [Theory]
    [InlineData("Q4_K", 4096L * 4096, 9_437_184)]   // 65,536 blocks of 256 × 144 bytes
    [InlineData("Q8_0", 4096L * 4096, 17_825_792)]  // 524,288 blocks of 32 × 34 bytes
    [InlineData("F16", 4096L * 4096, 33_554_432)]
    [InlineData("MXFP4", 2880L * 2880, 4_406_400)]  // 259,200 blocks of 32 × 17 bytes
    public void Bytes_are_whole_blocks_times_block_bytes(string name, long elements, long bytes) =>
        Assert.Equal(bytes, GgmlType.FromName(name)!.BytesFor(elements));

    [Fact]
    public void Elements_that_do_not_fill_whole_blocks_have_no_size() =>
        Assert.Null(GgmlType.FromName("Q4_K")!.BytesFor(100));

    [Theory]
    [InlineData(4, "Q4_2")]
    [InlineData(5, "Q4_3")]
    [InlineData(31, "Q4_0_4_4")]
    [InlineData(38, "IQ4_NL_8_8")]
    public void Removed_type_ids_are_not_types_but_are_named(int id, string name)
    {
        Assert.Null(GgmlType.FromId(id));
        Assert.Equal(name, GgmlType.RemovedName(id));
    }
}
