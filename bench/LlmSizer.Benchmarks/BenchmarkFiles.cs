using System.Text;
using LlmSizer.Formats.Gguf;
using LlmSizer.Tests.Support;

namespace LlmSizer.Benchmarks;

/// <summary>
/// The files the benchmarks and bench/compare-readers.sh read, written with the test suite's writers (linked from
/// tests/LlmSizer.Tests/Support): a Qwen2-style GGUF with a full tokenizer header and a five-shard safetensors model.
/// Tensor data is never written: the files are extended sparsely, so only the headers take disk.
/// </summary>
internal static class BenchmarkFiles
{
    public const string GgufName = "qwen2-83l.gguf";
    public const string SafetensorsFolderName = "llama-2-7b-5-shards";

    /// <summary>
    /// Qwen2.5's layout (biased q/k/v, untied output) stretched to 83 layers of Qwen2.5-7B's width: 999 tensors,
    /// 19.9B parameters, 12.6 GB of Q4_K/Q6_K data.
    /// </summary>
    public static GgufShape Qwen2Shape => GgufModels.Qwen25_05B with
    {
        Name = "Bench-Qwen2-83L", Vocab = Vocab, Hidden = 3584, Layers = 83, Heads = 28, KvHeads = 4, Ffn = 18_944, Tied = false,
    };

    private const int Vocab = 152_000, Merges = 151_000;

    /// <summary>
    /// Writes the GGUF: <see cref="Qwen2Shape"/>'s metadata and tensors plus what a Qwen2 tokenizer stores beside the
    /// 152,000 tokens (scores, token types, 151,000 BPE merges): about 7 MB of header.
    /// </summary>
    public static string WriteGguf(string path)
    {
        var writer = GgufModels.Writer(Qwen2Shape)
            .Add("tokenizer.ggml.scores", GgufWriter.Value.RawArray((uint)GgufValueType.Float32, Vocab, new byte[4 * Vocab]))
            .Add("tokenizer.ggml.token_type", GgufWriter.Value.RawArray((uint)GgufValueType.Int32, Vocab, TokenTypes()))
            .Add("tokenizer.ggml.merges", GgufModels.Merges(Merges));
        return writer.Write(path);
    }

    /// <summary>Llama-2-7B's 291 BF16 tensors in five shards, their index and its config.json; returns the folder.</summary>
    public static string WriteSafetensors(string folder)
    {
        Directory.CreateDirectory(folder);
        SafetensorsWriter.WriteSharded(folder, SafetensorsShapes.Llama2_7b(), shards: 5);
        // meta-llama/Llama-2-7b-hf's config.json (the fields llmsizer reads).
        File.WriteAllText(Path.Combine(folder, "config.json"), """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000, "hidden_size": 4096,
             "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
             "max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "torch_dtype": "float16"}
            """);
        return folder;
    }

    /// <summary>Writes both into <paramref name="folder"/> (the <c>write-files</c> command of Program).</summary>
    public static void WriteAll(string folder)
    {
        Directory.CreateDirectory(folder);
        WriteGguf(Path.Combine(folder, GgufName));
        WriteSafetensors(Path.Combine(folder, SafetensorsFolderName));
    }

    /// <summary>llama.cpp's token types: 1 (normal) for every token, 3 (control) for the last 22 as in Qwen2's special tokens.</summary>
    private static byte[] TokenTypes()
    {
        var body = new byte[4 * Vocab];
        for (int i = 0; i < Vocab; i++)
            body[4 * i] = (byte)(i >= Vocab - 22 ? 3 : 1);
        return body;
    }
}
