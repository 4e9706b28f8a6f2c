using System.Buffers.Binary;
using LlmSizer.Errors;
using LlmSizer.Precision;
using Field = LlmSizer.Formats.Gguf.GgufByteReader.Field;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// Reads the header of one GGUF file (version 2 or 3, little-endian): metadata, tensor infos, alignment and where the
/// data starts. It reads the header only, through one 1 MiB buffer, and skips large values (a tokenizer's tokens and
/// merges) by moving past them, so a 40 GB model costs a few MB of I/O. Every count and length is checked against the
/// bytes left and against <see cref="GgufLimits"/> before anything is allocated; every problem is an
/// <see cref="InputException"/> of the form <c>FILE:OFFSET: expected …, found …</c>.
/// Layout source: ggml's docs/gguf.md; checks modelled on what ggml's gguf.cpp refuses.
/// </summary>
public static class GgufReader
{
    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>
    /// Reads and checks the header of <paramref name="source"/>: every tensor's type, size in bytes (whole blocks),
    /// aligned offset and place inside the file. Reads only the header's bytes; the caller keeps the source.
    /// </summary>
    public static GgufHeader Read(IByteSource source)
    {
        using var r = new GgufByteReader(source);
        ReadMagic(r);
        int version = ReadVersion(r);
        long tensorCount = ReadCount(r, "tensor count", GgufLimits.MaxTensors, GgufLimits.MinTensorInfoBytes, "tensor info");
        long entryCount = ReadCount(r, "metadata entry count", GgufLimits.MaxMetadataEntries, GgufLimits.MinMetadataEntryBytes, "metadata entry");
        var metadata = ReadMetadata(r, entryCount);
        int alignment = ReadAlignment(metadata);
        var tensors = ReadTensorInfos(r, tensorCount, alignment);
        // The data section starts at the end of the tensor infos rounded up to the alignment (at most 256 MiB in).
        long dataOffset = (r.Position + alignment - 1) / alignment * alignment;
        CheckTensorData(r, tensors, dataOffset);
        return new GgufHeader(source.Name, r.Length, version, metadata, tensors, alignment, dataOffset);
    }

    private static void ReadMagic(GgufByteReader r)
    {
        var magic = r.Take(4, new Field("the magic \"GGUF\""));
        if (!magic.SequenceEqual(Magic))
            throw r.Error(0, $"expected the magic \"GGUF\" (47 47 55 46), found {Show(magic)}");
    }

    private static int ReadVersion(GgufByteReader r)
    {
        uint version = r.U32(new Field("the version"));
        if (version is 2 or 3)
            return (int)version;
        if (version == 1)
            throw r.Error(4, "expected GGUF version 2 or 3, found version 1 (the 2023 draft with 32-bit counts, which llama.cpp no longer reads; convert the model again)");
        // gguf-py writes big-endian files with the magic as usual and every number after it byte-swapped.
        uint swapped = BinaryPrimitives.ReverseEndianness(version);
        if (swapped is 2 or 3)
            throw r.Error(4, $"expected a little-endian GGUF file, found a big-endian one (version {swapped} byte-swapped); LlmSizer, like llama.cpp on x86 and ARM, reads little-endian files only");
        throw r.Error(4, $"expected GGUF version 2 or 3, found version {version}");
    }

    private static long ReadCount(GgufByteReader r, string what, long cap, int minBytesEach, string each)
    {
        long at = r.Position;
        ulong count = r.U64(new Field("the " + what));
        if (count > (ulong)cap)
            throw r.Error(at, $"expected a {what} of at most {cap}, found {count}");
        long fits = r.Remaining / minBytesEach;
        if ((long)count > fits)
            throw r.Error(at, $"expected a {what} that the {r.Remaining} bytes left can hold (at most {fits}, at {minBytesEach} bytes or more per {each}), found {count}");
        return (long)count;
    }

    private static GgufMetadata ReadMetadata(GgufByteReader r, long count)
    {
        var keys = new List<string>((int)Math.Min(count, 256));
        var entries = new Dictionary<string, (GgufValue, long)>((int)Math.Min(count, 256), StringComparer.Ordinal);
        var budget = new KeptBudget();
        for (long i = 0; i < count; i++)
        {
            long keyAt = r.Position;
            var keyField = new Field("metadata key", Index: i);
            ulong length = r.U64(keyField.LengthOf());
            if (length == 0)
                throw r.Error(keyAt, $"expected a name for metadata key {i}, found an empty one");
            if (length > GgufLimits.MaxKeyBytes)
                throw r.Error(keyAt, $"expected metadata key {i} to be at most {GgufLimits.MaxKeyBytes} bytes long, found a length of {length}");
            if (!budget.TryCharge(KeptBudget.PerValue + 2 * (long)length))
                throw r.Error(keyAt, $"expected the metadata kept in memory to stay within {GgufLimits.MaxKeptMetadataBytes} bytes, found more at metadata key {i}");
            string key = r.Utf8((int)length, keyField);
            if (entries.ContainsKey(key))
                throw r.Error(keyAt, $"expected unique metadata keys, found \"{key}\" a second time");

            long typeAt = r.Position;
            uint type = r.U32(new Field("the value type", key));
            if (!GgufValueTypes.IsDefined(type))
                throw r.Error(typeAt, $"expected a value type from 0 to 12 for \"{key}\", found {type}");
            long valueAt = r.Position;
            var value = ReadValue(r, (GgufValueType)type, new Field("the value", key), depth: 0, budget);
            entries.Add(key, (value, valueAt));
            keys.Add(key);
        }
        return new GgufMetadata(r.Name, keys, entries);
    }

    /// <summary>Reads a value, keeping what is small; <paramref name="depth"/> counts the arrays around it.</summary>
    private static GgufValue ReadValue(GgufByteReader r, GgufValueType type, Field field, int depth, KeptBudget budget)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return GgufValue.Integer(type, r.U8(field));
            case GgufValueType.Int8: return GgufValue.Integer(type, (sbyte)r.U8(field));
            case GgufValueType.UInt16: return GgufValue.Integer(type, r.U16(field));
            case GgufValueType.Int16: return GgufValue.Integer(type, (short)r.U16(field));
            case GgufValueType.UInt32: return GgufValue.Integer(type, r.U32(field));
            case GgufValueType.Int32: return GgufValue.Integer(type, (int)r.U32(field));
            case GgufValueType.UInt64: return GgufValue.Unsigned64(r.U64(field));
            case GgufValueType.Int64: return GgufValue.Integer(type, (long)r.U64(field));
            case GgufValueType.Float32: return GgufValue.Float(type, BitConverter.UInt32BitsToSingle(r.U32(field)));
            case GgufValueType.Float64: return GgufValue.Float(type, BitConverter.UInt64BitsToDouble(r.U64(field)));
            case GgufValueType.Bool: return GgufValue.Boolean(ReadBool(r, field));
            case GgufValueType.String:
            {
                long length = ReadStringLength(r, field);
                if (length <= GgufLimits.MaxKeptStringBytes && budget.TryCharge(KeptBudget.PerValue + 2 * length))
                    return GgufValue.String(r.Utf8((int)length, field), length);
                r.Skip(length, field);
                return GgufValue.String(null, length);
            }
            default:
                return ReadArray(r, field, depth + 1, budget);
        }
    }

    private static bool ReadBool(GgufByteReader r, Field field)
    {
        long at = r.Position;
        byte b = r.U8(field);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw r.Error(at, $"expected {field} to be a bool (0 or 1), found {b}"),
        };
    }

    private static long ReadStringLength(GgufByteReader r, Field field)
    {
        long at = r.Position;
        ulong length = r.U64(field.LengthOf());
        if (length > (ulong)r.Remaining)
            throw r.Error(at, $"expected {field} to fit in the {r.Remaining} bytes left, found a string length of {length}");
        return (long)length;
    }

    /// <summary>Reads an array's element type and count; <paramref name="depth"/> is 1 for an array that is a metadata value.</summary>
    private static (GgufValueType Type, long Count) ReadArrayHead(GgufByteReader r, Field field, int depth)
    {
        long at = r.Position;
        uint type = r.U32(field.ElementTypeOf());
        if (!GgufValueTypes.IsDefined(type))
            throw r.Error(at, $"expected an element type from 0 to 12 for {field}, found {type}");
        if (type == (uint)GgufValueType.Array && depth >= GgufLimits.MaxArrayDepth)
            throw r.Error(at, $"expected arrays nested at most {GgufLimits.MaxArrayDepth} deep in {field}, found an array of arrays at depth {depth}");
        long countAt = r.Position;
        ulong count = r.U64(field.LengthOf());
        var elementType = (GgufValueType)type;
        int min = GgufValueTypes.MinimumBytes(elementType);
        long fits = r.Remaining / min;
        if (count > (ulong)fits)
            throw r.Error(countAt, $"expected {field} to fit in the {r.Remaining} bytes left (at most {fits} {GgufValueTypes.Name(elementType)} elements), found an array length of {count}");
        return (elementType, (long)count);
    }

    private static GgufValue ReadArray(GgufByteReader r, Field field, int depth, KeptBudget budget)
    {
        var (type, count) = ReadArrayHead(r, field, depth);
        bool numeric = GgufValueTypes.FixedBytes(type) > 0;
        long keepable = numeric ? GgufLimits.MaxKeptNumericArrayElements : GgufLimits.MaxKeptOtherArrayElements;
        if (count > keepable || !budget.TryCharge(KeptBudget.PerValue * count))
        {
            SkipElements(r, type, count, field, depth);
            return GgufValue.Array(type, count, null);
        }
        var items = new GgufValue[count];
        for (long i = 0; i < count; i++)
            items[i] = ReadValue(r, type, field.Element(i), depth, budget);
        return GgufValue.Array(type, count, items);
    }

    /// <summary>Moves past <paramref name="count"/> elements without keeping them (a tokenizer's tokens, scores, merges).</summary>
    private static void SkipElements(GgufByteReader r, GgufValueType type, long count, Field field, int depth)
    {
        int size = GgufValueTypes.FixedBytes(type);
        if (size > 0)
        {
            // ReadArrayHead checked count × size against the bytes left, so this cannot overflow.
            r.Skip(count * size, field.ElementsOf());
            return;
        }
        if (type == GgufValueType.String)
        {
            long bad = r.SkipStrings(count, field, out ulong length);
            if (bad >= 0)
                throw r.Error(r.Position - 8, $"expected {field.Element(bad)} to fit in the {r.Remaining} bytes left, found a string length of {length}");
            return;
        }
        for (long i = 0; i < count; i++)
        {
            var element = field.Element(i);
            var (innerType, innerCount) = ReadArrayHead(r, element, depth + 1);
            SkipElements(r, innerType, innerCount, element, depth + 1);
        }
    }

    private static int ReadAlignment(GgufMetadata metadata)
    {
        const string key = "general.alignment";
        if (metadata.Integer(key) is not { } alignment)
            return GgufLimits.DefaultAlignment;
        if (alignment < 1 || alignment > GgufLimits.MaxAlignment || (alignment & (alignment - 1)) != 0)
            throw metadata.Error(key, $"expected a power of two from 1 to {GgufLimits.MaxAlignment}, found {alignment}");
        return (int)alignment;
    }

    private static GgufTensor[] ReadTensorInfos(GgufByteReader r, long count, int alignment)
    {
        var tensors = new GgufTensor[count];
        var names = new HashSet<string>((int)Math.Min(count, 4096), StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            long infoAt = r.Position;
            var nameField = new Field("the name of tensor info", Index: i);
            ulong nameLength = r.U64(nameField.LengthOf());
            if (nameLength == 0)
                throw r.Error(infoAt, $"expected a name for tensor info {i}, found an empty one");
            if (nameLength > GgufLimits.MaxTensorNameBytes)
                throw r.Error(infoAt, $"expected the name of tensor info {i} to be at most {GgufLimits.MaxTensorNameBytes} bytes long (ggml's GGML_MAX_NAME), found a length of {nameLength}");
            string name = r.Utf8((int)nameLength, nameField);
            if (!names.Add(name))
                throw r.Error(infoAt, $"expected unique tensor names, found \"{name}\" a second time");

            long dimsAt = r.Position;
            uint dimCount = r.U32(new Field("the dimension count", name));
            if (dimCount > GgufLimits.MaxDimensions)
                throw r.Error(dimsAt, $"expected at most {GgufLimits.MaxDimensions} dimensions (GGML_MAX_DIMS) for \"{name}\", found {dimCount}");
            var dims = new long[dimCount];
            for (int d = 0; d < dims.Length; d++)
            {
                long at = r.Position;
                ulong ne = r.U64(new Field("dimension", name, d));
                if (ne == 0 || ne > long.MaxValue)
                    throw r.Error(at, $"expected dimension {d} of \"{name}\" to be from 1 to {long.MaxValue}, found {ne}");
                dims[d] = (long)ne;
            }
            long elements = 1;
            foreach (long ne in dims)
            {
                if (elements > long.MaxValue / ne)
                    throw r.Error(dimsAt, $"expected the dimensions of \"{name}\" to multiply to fewer than 2^63 elements, found {string.Join(" × ", dims)}");
                elements *= ne;
            }

            long typeAt = r.Position;
            var type = ResolveType(r, typeAt, r.U32(new Field("the type", name)), name);
            long first = dims.Length > 0 ? dims[0] : 1;
            if (first % type.BlockElements != 0)
                throw r.Error(dimsAt, $"expected the first dimension of \"{name}\" to be a multiple of {type.Name}'s block of {type.BlockElements} elements, found {first}");
            long bytes;
            try
            {
                bytes = type.BytesFor(elements)!.Value;
            }
            catch (OverflowException)
            {
                throw r.Error(dimsAt, $"expected \"{name}\" to take fewer than 2^63 bytes, found {elements} elements of {type.Name}");
            }

            long offsetAt = r.Position;
            ulong offset = r.U64(new Field("the data offset", name));
            if (offset > long.MaxValue)
                throw r.Error(offsetAt, $"expected the data offset of \"{name}\" to be below 2^63, found {offset}");
            if (offset % (ulong)alignment != 0)
                throw r.Error(offsetAt, $"expected the data offset of \"{name}\" to be a multiple of the alignment {alignment}, found {offset}");
            tensors[i] = new GgufTensor(name, dims, type, (long)offset, elements, bytes, infoAt);
        }
        return tensors;
    }

    private static GgmlType ResolveType(GgufByteReader r, long at, uint id, string name)
    {
        if (id <= int.MaxValue && GgmlType.FromId((int)id) is { } type)
        {
            if (type.RuntimeOnly)
                throw r.Error(at, $"expected a weight type for \"{name}\", found {type.Name} (type id {id}), which ggml uses only for activations at run time");
            return type;
        }
        if (id <= int.MaxValue && GgmlType.RemovedName((int)id) is { } removed)
            throw r.Error(at, $"expected a current ggml type for \"{name}\", found type id {id} ({removed}, since removed from ggml; convert the model again)");
        throw r.Error(at, $"expected a ggml type LlmSizer knows for \"{name}\", found type id {id}");
    }

    /// <summary>Each tensor's data lies inside the file, and no two overlap.</summary>
    private static void CheckTensorData(GgufByteReader r, GgufTensor[] tensors, long dataOffset)
    {
        long room = r.Length - dataOffset;
        foreach (var t in tensors)
        {
            if (room < 0 || t.Offset > room || t.Bytes > room - t.Offset)
                throw r.Error(t.InfoOffset,
                    $"expected the data of \"{t.Name}\" ({t.Bytes} bytes at data offset {t.Offset}, data section at byte {dataOffset}) to end inside the file's {r.Length} bytes, found it ending at byte {(Int128)dataOffset + t.Offset + t.Bytes}");
        }
        var byOffset = (GgufTensor[])tensors.Clone();
        Array.Sort(byOffset, (a, b) => a.Offset.CompareTo(b.Offset));
        GgufTensor? furthest = null;
        foreach (var t in byOffset)
        {
            if (furthest is { } f && t.Offset < f.Offset + f.Bytes)
            {
                var (first, second) = f.InfoOffset < t.InfoOffset ? (f, t) : (t, f);
                throw r.Error(second.InfoOffset,
                    $"expected tensor data not to overlap, found \"{second.Name}\" (data offsets {second.Offset} to {second.Offset + second.Bytes}) overlapping \"{first.Name}\" ({first.Offset} to {first.Offset + first.Bytes})");
            }
            if (furthest is null || t.Offset + t.Bytes > furthest.Offset + furthest.Bytes)
                furthest = t;
        }
    }

    /// <summary>Bytes as text and hex for a message: <c>"GGML" (47 47 4D 4C)</c>.</summary>
    private static string Show(ReadOnlySpan<byte> bytes)
    {
        bool printable = true;
        foreach (byte b in bytes)
            printable &= b is >= 0x20 and < 0x7F;
        string hex = Convert.ToHexString(bytes);
        hex = string.Join(' ', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(2 * i, 2)));
        return printable ? $"\"{System.Text.Encoding.ASCII.GetString(bytes)}\" ({hex})" : hex;
    }

    /// <summary>Counts what metadata keeps in memory against <see cref="GgufLimits.MaxKeptMetadataBytes"/>.</summary>
    private sealed class KeptBudget
    {
        /// <summary>What one kept <see cref="GgufValue"/> costs, object and reference included (measured: about 80 bytes).</summary>
        public const long PerValue = 80;

        private long used;

        public bool TryCharge(long bytes)
        {
            if (bytes > GgufLimits.MaxKeptMetadataBytes - used)
                return false;
            used += bytes;
            return true;
        }
    }
}
