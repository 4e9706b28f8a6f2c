using System.Buffers.Binary;
using System.Text;
using LlmSizer.Tests.Support;

namespace LlmSizer.Fuzz.Targets;

/// <summary>
/// The seed corpus of each target: valid inputs written by the test suite's writers (GGUF headers of real models'
/// shapes cut to eight layers and a 64-token vocabulary, safetensors headers of real models, the config.json fixtures,
/// and text for the option parsers), so the fuzzer starts from inputs that reach the reports.
/// </summary>
public static class FuzzSeeds
{
    /// <summary>Seed name and bytes for <paramref name="target"/>; <paramref name="configFolder"/> holds the config.json fixtures.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> For(string target, string configFolder) => target switch
    {
        "gguf" => Gguf(),
        "safetensors" => Safetensors(),
        "safetensors-index" => Indexes(),
        "config" => Configs(configFolder),
        "ollama-manifest" => [("manifest", Utf8(OllamaManifestJson))],
        "hub-info" => [("model-info", Utf8(HubModelInfoJson))],
        "size" => Texts("7b\n24GB", "8x7b\n80GiB", "70b\n1.5TB", "llama-3.1-8b\n512MiB", "0.5B\n1000000"),
        "device" => Texts("h100x8\n256GB\nnvme4\nddr5-5600-2ch", "rtx-4090\n64GiB", "custom:mem=24GB,bw=1008GB/s,fp16=165TF\n32GB", "m3-max-128gb"),
        "device-file" => Texts(DeviceFileJson),
        "type" => Texts("llama.cpp\nQ4_K_M\nq8_0\nlora\nadamw\nbf16", "vllm\nAWQ\nfp8\nqlora\nadamw-8bit\nbf16", "transformers\nBF16\n\nfull\nsgd\nfp32"),
        "logits" => Texts("[1.5, 0.25, -3, 2]", "{\"the\": 2.5, \"a\": 1.0, \"an\": -0.5}", "token,logit\nhello,2.0\n\"a,b\",1.0\n# comment\nworld,-1"),
        _ => throw new ArgumentException($"no seeds for target '{target}'", nameof(target)),
    };

    /// <summary>
    /// The file-target framing: an 8-byte little-endian count of the bytes that follow the input in the file (the tensor
    /// data, never read), then the file's first bytes. See <see cref="FuzzTargets"/>.
    /// </summary>
    public static byte[] FileInput(byte[] head, long dataBytes)
    {
        var bytes = new byte[8 + head.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, dataBytes);
        head.CopyTo(bytes, 8);
        return bytes;
    }

    private static IEnumerable<(string, byte[])> Gguf()
    {
        GgufShape[] shapes =
        [
            GgufModels.Llama31_8B, GgufModels.Qwen25_05B, GgufModels.Mixtral8x7B, GgufModels.Qwen3_30B_A3B, GgufModels.Gemma2_2B,
            GgufModels.Gemma3_1B, GgufModels.Phi3Mini128k, GgufModels.DeepSeekV2Lite, GgufModels.GptOss20B, GgufModels.Qwen3Next80B,
            GgufModels.GraniteHTiny, GgufModels.Lfm2_12B, GgufModels.Gpt2, GgufModels.Falcon7B,
        ];
        foreach (var shape in shapes)
        {
            var writer = GgufModels.Writer(shape with { Vocab = 64, Layers = Math.Min(shape.Layers, 8) });
            yield return (shape.Name, FileInput(writer.Header(), writer.DataBytes));
        }
    }

    private static IEnumerable<(string, byte[])> Safetensors()
    {
        (string, List<(string Name, string Dtype, long[] Shape)>)[] models =
        [
            ("Qwen2.5-0.5B", SafetensorsShapes.Qwen25_05b()), ("Llama-2-7b", SafetensorsShapes.Llama2_7b()), ("gpt-oss-20b", SafetensorsShapes.GptOss20b()),
        ];
        foreach (var (name, tensors) in models)
        {
            var writer = new SafetensorsWriter().Metadata("format", "pt");
            foreach (var (tensor, dtype, shape) in FirstTwoLayers(tensors))
                writer.Add(tensor, dtype, shape);
            byte[] json = Utf8(writer.HeaderJson());
            var head = new byte[8 + json.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(head, (ulong)json.Length);
            json.CopyTo(head, 8);
            yield return (name, FileInput(head, writer.DataLength));
        }
    }

    private static IEnumerable<(string, byte[])> Indexes()
    {
        var tensors = FirstTwoLayers(SafetensorsShapes.Qwen25_05b());
        string map = string.Join(",", tensors.Select((t, i) => $"\"{t.Name}\":\"model-{i % 2 + 1:00000}-of-00002.safetensors\""));
        yield return ("Qwen2.5-0.5B", Utf8($"{{\"metadata\":{{\"total_size\":988097536}},\"weight_map\":{{{map}}}}}"));
    }

    private static IEnumerable<(string, byte[])> Configs(string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            yield return (Path.GetFileNameWithoutExtension(file), File.ReadAllBytes(file));
    }

    private static List<(string Name, string Dtype, long[] Shape)> FirstTwoLayers(List<(string Name, string Dtype, long[] Shape)> tensors) =>
        tensors.Where(t => !t.Name.Contains(".layers.", StringComparison.Ordinal) || t.Name.Contains(".layers.0.", StringComparison.Ordinal)
            || t.Name.Contains(".layers.1.", StringComparison.Ordinal)).ToList();

    private static IEnumerable<(string, byte[])> Texts(params string[] texts) => texts.Select((t, i) => ($"seed-{i + 1}", Utf8(t)));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private const string OllamaManifestJson = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":487},
         "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa","size":4683073184},
                   {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1482}]}
        """;

    // The fields the Hub's /api/models/ORG/NAME/revision/REV answer carries that the client reads, with some it ignores.
    private const string HubModelInfoJson = """
        {"_id":"66","id":"Qwen/Qwen2.5-0.5B","sha":"060db6499f32faf8b98477b0a26969ef7d8b9987","private":false,"gated":false,
         "siblings":[{"rfilename":".gitattributes","size":1519},{"rfilename":"config.json","size":681},
                     {"rfilename":"model.safetensors","size":988097824},{"rfilename":"tokenizer.json"}]}
        """;

    private const string DeviceFileJson = """
        { "devices": [ { "id": "my-card", "name": "My Card", "kind": "gpu", "vendor": "Me", "aliases": ["mine"], "memory": "20GiB",
          "driverMemory": "20000MiB", "bandwidth": "760GB/s", "fp16": "120TF", "interconnect": "PCIe 4.0 x16", "hostLink": "31.5GB/s",
          "source": "my own measurements" } ],
          "storage": [ { "id": "usb-hdd", "name": "USB disk", "read": "120MB/s", "source": "measured" } ] }
        """;
}
