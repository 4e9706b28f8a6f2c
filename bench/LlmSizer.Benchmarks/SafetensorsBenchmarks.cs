using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Reading a sharded checkpoint from local disk: the index and five shard headers of Llama-2-7B's 291 BF16 tensors
/// (13.5 GB of sparse files, so only the headers occupy disk). Target: under 5 ms for the whole read.
/// </summary>
[MemoryDiagnoser]
public class SafetensorsBenchmarks
{
    private const int Shards = 5;

    private string folder = "";
    private string index = "";

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("llmsizer-bench-").FullName;
        var tensors = Llama2_7b();
        var map = new StringBuilder();
        int per = (tensors.Count + Shards - 1) / Shards;
        long total = 0;
        for (int s = 0; s < Shards; s++)
        {
            string file = $"model-{s + 1:00000}-of-{Shards:00000}.safetensors";
            var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
            long offset = 0;
            foreach (var (name, shape) in tensors.Skip(s * per).Take(per))
            {
                long bytes = shape.Aggregate(2L, (a, d) => a * d);
                header.Append($",\"{name}\":{{\"dtype\":\"BF16\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
                offset += bytes;
                map.Append(map.Length == 0 ? "" : ",\n    ").Append($"\"{name}\": \"{file}\"");
            }
            header.Append('}');
            WriteSparse(Path.Combine(folder, file), header.ToString(), offset);
            total += offset;
        }
        index = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(index, $"{{\n  \"metadata\": {{\"total_size\": {total}}},\n  \"weight_map\": {{\n    {map}\n  }}\n}}\n");
        File.WriteAllText(Path.Combine(folder, "config.json"), """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000, "hidden_size": 4096,
             "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
             "max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "torch_dtype": "float16"}
            """);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    /// <summary>What <c>llmsizer inspect FOLDER</c> does: index, five headers, config.json and the side files.</summary>
    [Benchmark]
    public long OpenFolderWithIndexAndConfig() => SafetensorsModel.Open(folder).Inventory.Parameters;

    /// <summary>The index and the five shard headers only, through byte sources.</summary>
    [Benchmark]
    public long ReadIndexAndFiveShardHeaders()
    {
        using var source = new FileByteSource(index);
        return SafetensorsModel.Read(source, FileByteSource.SiblingsOf(index)).Inventory.Parameters;
    }

    /// <summary>One shard's header: the 8-byte length and about 60 tensor entries.</summary>
    [Benchmark]
    public int ReadOneShardHeader()
    {
        using var source = new FileByteSource(Path.Combine(folder, "model-00001-of-00005.safetensors"));
        return SafetensorsReader.Read(source).Tensors.Count;
    }

    private static void WriteSparse(string path, string header, long dataLength)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
        file.Write(prefix);
        file.Write(json);
        file.SetLength(8 + json.Length + dataLength);
    }

    /// <summary>meta-llama/Llama-2-7b-hf's tensors: 291 of them, all BF16.</summary>
    private static List<(string Name, long[] Shape)> Llama2_7b()
    {
        var list = new List<(string, long[])> { ("model.embed_tokens.weight", [32000, 4096]) };
        for (int i = 0; i < 32; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "input_layernorm.weight", [4096]));
            list.Add((p + "mlp.down_proj.weight", [4096, 11008]));
            list.Add((p + "mlp.gate_proj.weight", [11008, 4096]));
            list.Add((p + "mlp.up_proj.weight", [11008, 4096]));
            list.Add((p + "post_attention_layernorm.weight", [4096]));
            list.Add((p + "self_attn.k_proj.weight", [4096, 4096]));
            list.Add((p + "self_attn.o_proj.weight", [4096, 4096]));
            list.Add((p + "self_attn.q_proj.weight", [4096, 4096]));
            list.Add((p + "self_attn.v_proj.weight", [4096, 4096]));
        }
        list.Add(("model.norm.weight", [4096]));
        list.Add(("lm_head.weight", [32000, 4096]));
        return list;
    }
}
