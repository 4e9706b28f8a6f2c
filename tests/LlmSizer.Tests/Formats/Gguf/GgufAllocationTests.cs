using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;
using V = LlmSizer.Tests.Support.GgufWriter.Value;

namespace LlmSizer.Tests.Formats.Gguf;

/// <summary>
/// Hostile files must not make the reader allocate: each case below stays under 64 MB of allocation on the reading
/// thread, whether it ends in an error or in a model. (Allocation, not time, is asserted: timings vary by machine.)
/// </summary>
public class GgufAllocationTests
{
    private const long Budget = 64L << 20;

    public static TheoryData<string> HostileFiles => new()
    {
        "huge tensor count", "huge entry count", "huge string length", "huge array length", "ten million empty strings",
        "thousands of long keys", "array of large kept arrays", "thousands of small kept arrays", "deep nesting everywhere",
        "max tensors with max names",
    };

    private static GgufWriter Hostile(string name, out long? length)
    {
        length = null;
        switch (name)
        {
            case "huge tensor count":
                return new GgufWriter { TensorCountOverride = ulong.MaxValue };
            case "huge entry count":
                return new GgufWriter { EntryCountOverride = ulong.MaxValue };
            case "huge string length":
                return new GgufWriter().Add("k", V.Raw((uint)GgufValueType.String, BitConverter.GetBytes(ulong.MaxValue >> 1)));
            case "huge array length":
                length = 1L << 30; // the claimed uint8 count fits the (sparse) file, so it is read past, not allocated
                return new GgufWriter().Add("k", V.RawArray((uint)GgufValueType.UInt8, (1UL << 30) - 64, []));
            case "ten million empty strings":
                length = 10_000_000L * 8 + 64; // the sparse file's zeros are ten million zero-length strings
                return new GgufWriter().Add("k", V.RawArray((uint)GgufValueType.String, 10_000_000, []));
            case "thousands of long keys":
            {
                // Distinct 1,000-byte keys until the kept-metadata budget runs out; the count claims 65,536.
                var w = new GgufWriter { EntryCountOverride = 65_536 };
                for (int i = 0; i < 5000; i++)
                    w.Add(i.ToString("D6") + new string('k', 994), V.U8(1));
                length = 65_536L * 1013;
                return w;
            }
            case "array of large kept arrays":
            {
                var inner = V.RawArray((uint)GgufValueType.UInt8, 65_536, new byte[65_536]);
                return new GgufWriter().Add("k", V.Array(GgufValueType.Array, Enumerable.Repeat(inner, 200).ToArray()));
            }
            case "thousands of small kept arrays":
            {
                var w = new GgufWriter();
                var small = V.RawArray((uint)GgufValueType.UInt16, 100, new byte[200]);
                for (int i = 0; i < 20_000; i++)
                    w.Add($"k{i}", small);
                return w;
            }
            case "deep nesting everywhere":
            {
                V Deep(int depth) => depth == 1
                    ? V.RawArray((uint)GgufValueType.Int32, 1000, new byte[4000])
                    : V.Array(GgufValueType.Array, Enumerable.Repeat(Deep(depth - 1), 4).ToArray());
                return new GgufWriter().Add("k", Deep(8));
            }
            case "max tensors with max names":
            {
                var w = new GgufWriter();
                for (int i = 0; i < GgufLimits.MaxTensors; i++)
                    w.Tensor(i.ToString("D8") + new string('n', 55), 0, [1, 1, 1, 1]);
                return w;
            }
            default:
                throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Reading_a_hostile_file_allocates_less_than_64_MB(string name)
    {
        using var dir = new TempDirectory();
        string path = Hostile(name, out long? length).Write(Path.Combine(dir.Path, "hostile.gguf"), length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            GgufModel.Open(path);
        }
        catch (InputException)
        {
            // Refusing is fine; what matters is the memory it took to get there.
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < Budget, $"{name}: allocated {allocated:N0} bytes");
    }

    [Fact]
    public void The_header_reader_alone_allocates_little_for_a_realistic_large_model()
    {
        using var dir = new TempDirectory();
        string path = GgufModels.Writer(GgufModels.DeepSeekV3).Write(Path.Combine(dir.Path, "deepseek.gguf"));
        using var source = new FileByteSource(path);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var header = GgufReader.Read(source);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(header.Tensors.Count > 1000);
        Assert.True(allocated < 4L << 20, $"allocated {allocated:N0} bytes");
    }
}
