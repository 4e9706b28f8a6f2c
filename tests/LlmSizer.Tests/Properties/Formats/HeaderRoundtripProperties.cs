using CsCheck;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Precision;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Properties.Formats;

/// <summary>
/// A random tensor inventory written by the test writers (after ggml's docs/gguf.md and the safetensors format) and read back by
/// the library is the same inventory: names, types, shapes, offsets, parameters and bytes. Expected offsets and sizes are computed
/// here from the format rules, apart from both the writers and the readers.
/// </summary>
public class HeaderRoundtripProperties
{
    private const int Iterations = 200;

    /// <summary>A tensor: its type and its dimensions as the format stores them (GGUF innermost first, safetensors outermost first).</summary>
    internal sealed record Tensor(string Type, long[] Dims);

    private static Gen<Tensor[]> Inventory(Gen<string> types, Func<string, int> rowMultiple) =>
        (from type in types
         from rank in Gen.Int[1, 4]
         from rowBlocks in Gen.Int[1, 8]
         from outer in Gen.Long[1, 64].Array[rank - 1]
         select new Tensor(type, [rowBlocks * (long)rowMultiple(type), .. outer])).Array[1, 24];

    private static readonly Gen<string> GgmlTypes =
        Gen.OneOf(GgmlType.All.Where(t => !t.RuntimeOnly && GgmlType.FromName(t.Name) == t).Select(t => t.Name).ToArray());

    private static readonly Gen<string> SafetensorsDtypes = Gen.OneOf(SafetensorsWriter.DtypeBits.Keys.ToArray());

    /// <summary>Names that read as plain weights (no quantization suffixes, no rotary buffers), unique by index.</summary>
    private static string Name(int i) => $"model.layers.{i}.proj.weight";

    [Fact]
    public void A_gguf_header_reads_back_as_the_tensors_written()
    {
        PropertyRun.Check(Gen.Select(Inventory(GgmlTypes, name => GgmlType.FromName(name)!.BlockElements), Gen.OneOf(8, 32, 64)), (tensors, alignment) =>
        {
            var writer = new GgufWriter().Add("general.architecture", "unmapped").Aligned(alignment);
            for (int i = 0; i < tensors.Length; i++)
                writer.Tensor(Name(i), GgmlType.FromName(tensors[i].Type)!.Id, tensors[i].Dims);
            byte[] header = writer.Header();
            using var source = new GgufMemorySource("random.gguf", header, header.Length + writer.DataBytes);
            var read = GgufReader.Read(source);

            Assert.Equal(tensors.Length, read.Tensors.Count);
            long cursor = 0;
            for (int i = 0; i < tensors.Length; i++)
            {
                var (written, got) = (tensors[i], read.Tensors[i]);
                var type = GgmlType.FromName(written.Type)!;
                long elements = written.Dims.Aggregate(1L, (a, d) => a * d);
                long bytes = elements / type.BlockElements * type.BlockBytes;
                cursor = (cursor + alignment - 1) / alignment * alignment;
                Assert.Equal(Name(i), got.Name);
                Assert.Equal(type.Id, got.Type.Id);
                Assert.Equal(written.Dims, got.Dimensions);
                Assert.Equal(cursor, got.Offset);
                Assert.Equal(elements, got.Elements);
                Assert.Equal(bytes, got.Bytes);
                cursor += bytes;
            }

            var model = GgufModel.Open(source, sibling => throw new InvalidOperationException($"no sibling {sibling}"));
            AssertInventory(model.Inventory, tensors.Select((t, i) => (Name(i), t.Type, t.Dims.Reverse().ToArray(), read.Tensors[i].Bytes)).ToList());
        }, Iterations);
    }

    [Fact]
    public void A_safetensors_file_and_a_sharded_index_read_back_as_the_tensors_written()
    {
        // Sub-byte dtypes (F4, F6) pack whole bytes only for rows of 8 values; every row here is a multiple of 8.
        PropertyRun.Check(Gen.Select(Inventory(SafetensorsDtypes, _ => 8), Gen.Int[1, 4]), (tensors, shards) =>
        {
            using var temp = new TempDirectory();
            var named = tensors.Select((t, i) => (Name: Name(i), Dtype: t.Type, Shape: t.Dims)).ToList();
            var writer = new SafetensorsWriter();
            foreach (var (name, dtype, shape) in named)
                writer.Add(name, dtype, shape);
            string single = writer.Write(Path.Combine(temp.Path, "model.safetensors"));

            using (var source = new FileByteSource(single))
            {
                var header = SafetensorsReader.Read(source);
                Assert.Equal(tensors.Length, header.Tensors.Count);
                var byName = header.Tensors.ToDictionary(t => t.Name);
                long cursor = 0;
                foreach (var (name, dtype, shape) in named)
                {
                    var got = byName[name];
                    long elements = shape.Aggregate(1L, (a, d) => a * d);
                    long bytes = elements * SafetensorsWriter.DtypeBits[dtype] / 8;
                    Assert.Equal(dtype, got.Dtype.Name);
                    Assert.Equal(shape, got.Shape);
                    Assert.Equal(elements, got.Elements);
                    Assert.Equal((cursor, cursor + bytes), (got.Begin, got.End));
                    cursor += bytes;
                }
            }
            var expected = named.Select(t => (t.Name, t.Dtype, t.Shape, writer.Sizes[t.Name])).ToList();
            AssertInventory(SafetensorsModel.Open(single).Inventory, expected);

            string folder = Directory.CreateDirectory(Path.Combine(temp.Path, "sharded")).FullName;
            string index = SafetensorsWriter.WriteSharded(folder, named, Math.Min(shards, tensors.Length));
            AssertInventory(SafetensorsModel.Open(index).Inventory, expected);
        }, Iterations);
    }

    /// <summary>The inventory holds exactly the tensors expected (any order), each a weight of its stored elements.</summary>
    private static void AssertInventory(TensorInventory inventory, IReadOnlyList<(string Name, string Type, long[] Shape, long Bytes)> expected)
    {
        Assert.Equal(expected.Count, inventory.Tensors.Count);
        var byName = inventory.Tensors.ToDictionary(t => t.Name);
        foreach (var (name, type, shape, bytes) in expected)
        {
            var t = byName[name];
            long elements = shape.Aggregate(1L, (a, d) => a * d);
            Assert.Equal(type, t.Type, StringComparer.OrdinalIgnoreCase);
            Assert.Equal(shape, t.Shape);
            Assert.Equal(elements, t.Elements);
            Assert.Equal(bytes, t.Bytes);
            Assert.Equal(TensorRole.Weight, t.Role);
            Assert.Equal(elements, t.Parameters);
        }
        Assert.Equal(expected.Sum(e => e.Shape.Aggregate(1L, (a, d) => a * d)), inventory.Parameters);
        Assert.Equal(expected.Sum(e => e.Bytes), inventory.Bytes);
    }
}
