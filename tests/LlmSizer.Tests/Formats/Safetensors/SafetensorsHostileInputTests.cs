using System.Buffers.Binary;
using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

/// <summary>
/// Inputs built to make a reader allocate or loop: each must be refused with an <see cref="InputException"/> while the
/// test thread allocates under 64 MB. No timing is asserted; a hang would show as a test that never ends.
/// </summary>
public class SafetensorsHostileInputTests
{
    private const long Budget = 64L * 1024 * 1024;

    private static byte[] Prefixed(ulong declared, string header)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Prefixed(string header) => Prefixed((ulong)Encoding.UTF8.GetByteCount(header), header);

    public static TheoryData<string> Cases() =>
    [
        "length 2^64-1",
        "length within the cap, file claims to be larger than it is",
        "length within the cap, file claims exabytes",
        "shape of 2^63-1 squared",
        "data_offsets near 2^63",
        "100,000 nested arrays",
        "a 4 MB tensor name",
        "a 4 MB number",
        "a million-dimension shape",
    ];

    private static IByteSource Source(string name) => name switch
    {
        "length 2^64-1" => new MemoryByteSource(name, Prefixed(ulong.MaxValue, "{}"), long.MaxValue),
        // The source says 90 MB but delivers 10 bytes: the reader must not allocate what it is never sent.
        "length within the cap, file claims to be larger than it is" => new MemoryByteSource(name, Prefixed(90_000_000, "{}"), 90_000_008),
        "length within the cap, file claims exabytes" => new MemoryByteSource(name, Prefixed(99_999_999, "{\"a\""), long.MaxValue),
        "shape of 2^63-1 squared" => new MemoryByteSource(name,
            Prefixed("{\"t\":{\"dtype\":\"F64\",\"shape\":[9223372036854775807,9223372036854775807],\"data_offsets\":[0,8]}}")),
        "data_offsets near 2^63" => new MemoryByteSource(name,
            Prefixed("{\"t\":{\"dtype\":\"U8\",\"shape\":[9223372036854775807],\"data_offsets\":[0,9223372036854775807]}}")),
        "100,000 nested arrays" => new MemoryByteSource(name,
            Prefixed("{\"t\":{\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}}")),
        "a 4 MB tensor name" => new MemoryByteSource(name, Prefixed("{\"" + new string('a', 4_000_000) + "\":[]}")),
        "a 4 MB number" => new MemoryByteSource(name,
            Prefixed("{\"t\":{\"dtype\":\"U8\",\"shape\":[" + new string('9', 4_000_000) + "],\"data_offsets\":[0,1]}}")),
        "a million-dimension shape" => new MemoryByteSource(name,
            Prefixed("{\"t\":{\"dtype\":\"U8\",\"shape\":[" + string.Join(",", Enumerable.Repeat("1", 1_000_000)) + "],\"data_offsets\":[0,1]}}")),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_header_is_refused_within_a_bounded_allocation(string name)
    {
        using var source = Source(name);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Record.Exception(() => SafetensorsReader.Read(source));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsType<InputException>(e);
        Assert.True(allocated < Budget, $"{name}: allocated {allocated:N0} bytes");
        Assert.True(e.Message.Length < 1000, $"{name}: message of {e.Message.Length} characters");
    }

    [Fact]
    public void A_hostile_index_is_refused_within_a_bounded_allocation()
    {
        using var dir = new TempDirectory();
        // 10,000 shards that do not exist, a total_size past any disk, and a huge tensor name.
        var map = Enumerable.Range(0, 10_000).Select(i => new KeyValuePair<string, string>($"t{i}", $"missing-{i}.safetensors")).ToList();
        map.Insert(0, new(new string('x', 1_000_000), "missing-0.safetensors"));
        string index = SafetensorsWriter.WriteIndex(Path.Combine(dir.Path, "model.safetensors.index.json"), map, long.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Record.Exception(() => SafetensorsModel.Open(index));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsType<InputException>(e);
        Assert.StartsWith($"{index}: weight_map '{new string('x', 80)}…': expected the shard file \"missing-0.safetensors\" beside the index", e.Message);
        Assert.True(allocated < Budget, $"allocated {allocated:N0} bytes");
    }
}
