using System.Text;

namespace LlmSizer.Benchmarks;

/// <summary>Writes the benchmark's GGUF file (version 3, little-endian, 32-byte alignment) after ggml's docs/gguf.md.</summary>
internal static class GgufBenchmarkFile
{
    private const int Vocab = 152_000, Merges = 151_000, Layers = 83, Hidden = 3584, Heads = 28, KvHeads = 4, Ffn = 18_944;

    public static void Write(string path)
    {
        var tensors = new List<(string Name, uint Type, long[] Dims, long Bytes)>();
        void Add(string name, uint type, long bytes, params long[] dims) => tensors.Add((name, type, dims, bytes));
        const uint f32 = 0, q4k = 12;
        long Q4K(long elements) => elements / 256 * 144;
        long kv = KvHeads * (Hidden / Heads);

        Add("token_embd.weight", q4k, Q4K((long)Hidden * Vocab), Hidden, Vocab);
        for (int i = 0; i < Layers; i++)
        {
            string b = $"blk.{i}.";
            Add(b + "attn_norm.weight", f32, 4L * Hidden, Hidden);
            Add(b + "attn_q.weight", q4k, Q4K((long)Hidden * Hidden), Hidden, Hidden);
            Add(b + "attn_k.weight", q4k, Q4K(Hidden * kv), Hidden, kv);
            Add(b + "attn_v.weight", q4k, Q4K(Hidden * kv), Hidden, kv);
            Add(b + "attn_q.bias", f32, 4L * Hidden, Hidden);
            Add(b + "attn_k.bias", f32, 4 * kv, kv);
            Add(b + "attn_v.bias", f32, 4 * kv, kv);
            Add(b + "attn_output.weight", q4k, Q4K((long)Hidden * Hidden), Hidden, Hidden);
            Add(b + "ffn_norm.weight", f32, 4L * Hidden, Hidden);
            Add(b + "ffn_gate.weight", q4k, Q4K((long)Hidden * Ffn), Hidden, Ffn);
            Add(b + "ffn_up.weight", q4k, Q4K((long)Hidden * Ffn), Hidden, Ffn);
            Add(b + "ffn_down.weight", 14, (long)Hidden * Ffn / 256 * 210, Ffn, Hidden);
        }
        Add("output_norm.weight", f32, 4L * Hidden, Hidden);

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write(16UL);
        Str(w, "general.architecture"); w.Write(8u); Str(w, "qwen2");
        Str(w, "general.name"); w.Write(8u); Str(w, "Bench-83L");
        foreach (var (key, value) in new[]
        {
            ("qwen2.context_length", 32_768u), ("qwen2.embedding_length", (uint)Hidden), ("qwen2.block_count", (uint)Layers),
            ("qwen2.feed_forward_length", (uint)Ffn), ("qwen2.attention.head_count", (uint)Heads),
            ("qwen2.attention.head_count_kv", (uint)KvHeads), ("qwen2.rope.dimension_count", 128u), ("general.file_type", 15u),
        })
        {
            Str(w, key); w.Write(4u); w.Write(value);
        }
        Str(w, "qwen2.attention.layer_norm_rms_epsilon"); w.Write(6u); w.Write(1e-6f);
        Str(w, "tokenizer.ggml.model"); w.Write(8u); Str(w, "gpt2");
        Str(w, "tokenizer.ggml.tokens"); w.Write(9u); w.Write(8u); w.Write((ulong)Vocab);
        for (int i = 0; i < Vocab; i++)
            Str(w, $"Ġtok{i}");
        Str(w, "tokenizer.ggml.scores"); w.Write(9u); w.Write(6u); w.Write((ulong)Vocab);
        w.Write(new byte[4 * Vocab]);
        Str(w, "tokenizer.ggml.token_type"); w.Write(9u); w.Write(5u); w.Write((ulong)Vocab);
        w.Write(new byte[4 * Vocab]);
        Str(w, "tokenizer.ggml.merges"); w.Write(9u); w.Write(8u); w.Write((ulong)Merges);
        for (int i = 0; i < Merges; i++)
            Str(w, $"Ġt{i % 1000} ok{i / 1000}");

        long offset = 0;
        foreach (var (name, type, dims, bytes) in tensors)
        {
            Str(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims)
                w.Write((ulong)d);
            w.Write(type);
            w.Write((ulong)offset);
            offset = (offset + bytes + 31) / 32 * 32;
        }
        w.Flush();
        long data = (stream.Position + 31) / 32 * 32;
        stream.SetLength(data + offset); // sparse: the tensor data is never written
    }

    private static void Str(BinaryWriter w, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
