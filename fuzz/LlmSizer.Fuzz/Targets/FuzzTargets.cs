using System.Buffers.Binary;
using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Formats.Local;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Formats.Uploads;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Requests;
using LlmSizer.Sampling;
using LlmSizer.Serialization;

namespace LlmSizer.Fuzz.Targets;

/// <summary>
/// Every parser of untrusted input, each as the tool uses it: a model file goes through the same upload path as the web
/// page (header bytes and the file's length) into <c>inspect</c> and <c>estimate</c> with their JSON; text inputs are split
/// into lines, one per field, and go through the same request records as the CLI's options.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("gguf", "a .gguf file (header and metadata; tensor data need not follow)", bytes => ModelReports(Upload("model.gguf", bytes), "llama.cpp")),
        new("safetensors", "a .safetensors file (8-byte length, JSON header)", bytes => ModelReports(Upload("model.safetensors", bytes), engine: null)),
        new("safetensors-index", "model.safetensors.index.json", bytes => SafetensorsIndexReader.Parse(bytes, "model.safetensors.index.json")),
        new("config", "a Hugging Face config.json", bytes => ModelReports(Upload("config.json", bytes), "transformers")),
        new("ollama-manifest", "an Ollama manifest (JSON)", bytes => OllamaManifest.ModelDigestHex(bytes, "manifest")),
        new("hub-info", "the Hugging Face Hub's model-info answer (JSON)", bytes => HubModelInfo.Parse(bytes, "org/model")),
        new("size", "lines: a model size (7b, 8x7b, 0.5B) or catalog id, a byte size (24GB)", Sizes),
        new("device", "lines: --device (h100x8, custom:mem=...), --ram, --storage, --cpu", Devices),
        new("device-file", "a --devices-file JSON document", bytes => DeviceDocumentReader.Read(Text(bytes), "devices.json")),
        new("type", "lines: --engine, --weights, --kv-type, --method, --optimizer, --precision", Types),
        new("logits", "a sample --logits file: JSON array, JSON object or CSV", Logits),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>
    /// A model file from the file-target framing (<see cref="FuzzSeeds.FileInput"/>): the first 8 bytes say how many bytes
    /// follow the rest of the input in the file, so a header can declare gigabytes of tensor data without the input holding
    /// them. The count is cut to 2^48 so that adding it never overflows; config.json is the input as it is.
    /// </summary>
    private static ModelSource Upload(string fileName, byte[] bytes)
    {
        if (fileName == "config.json" || bytes.Length < 8)
            return UploadedModel.Open([new HeaderUpload(fileName, bytes.Length, bytes)]);
        long dataBytes = BinaryPrimitives.ReadInt64LittleEndian(bytes) & ((1L << 48) - 1);
        var head = bytes.AsMemory(8);
        return UploadedModel.Open([new HeaderUpload(fileName, head.Length + dataBytes, head)]);
    }

    /// <summary>
    /// <c>inspect --json</c>, then <c>estimate --json</c> on <paramref name="engine"/> (none for a lone safetensors file, whose
    /// architecture only a config.json gives).
    /// </summary>
    private static void ModelReports(ModelSource source, string? engine)
    {
        ReportJson.Serialize(InspectReport.Build(source), c => c.InspectReport);
        if (engine is not null)
            ReportJson.Serialize(EstimateReport.Build(source, new InferenceRequest { Engine = engine }.ToOptions(FieldStyle.Cli)), c => c.EstimateReport);
    }

    private static void Sizes(byte[] bytes)
    {
        string[] f = Lines(bytes, 2);
        ReportJson.Serialize(InspectReport.Build(ModelSource.FromCatalogOrSize(f[0], "a path")), c => c.InspectReport);
        RequestFields.Size(Field(f, 1), "gpuMemory", FieldStyle.Cli);
    }

    private static void Devices(byte[] bytes)
    {
        string[] f = Lines(bytes, 4);
        var request = new FitRequest { Device = Field(f, 0), Ram = Field(f, 1), Storage = Field(f, 2), Cpu = Field(f, 3) };
        var resolved = request.Resolve(DeviceCatalog.Index, FieldStyle.Cli);
        // Without a device, fit ranks the whole catalog: the parsers have been run by then, and the ranking would only slow the fuzzer.
        if (request.Device is not null && resolved.Run(ModelSource.FromCatalogOrSize("8b", "a path")).Report is { } report)
            ReportJson.Serialize(report, c => c.FitReport);
    }

    private static void Types(byte[] bytes)
    {
        string[] f = Lines(bytes, 6);
        var inference = new InferenceRequest { Engine = Field(f, 0), Weights = Field(f, 1), KvType = Field(f, 2) };
        ReportJson.Serialize(EstimateReport.Build(ModelSource.FromCatalogOrSize("8b", "a path"), inference.ToOptions(FieldStyle.Cli)), c => c.EstimateReport);
        var train = new TrainRequest { Method = Field(f, 3), Optimizer = Field(f, 4), Precision = Field(f, 5) };
        ReportJson.Serialize(train.Resolve(FieldStyle.Cli).Build(ModelSource.FromCatalogOrSize("1b", "a path")), c => c.TrainReport);
    }

    private static void Logits(byte[] bytes)
    {
        Sample(LogitsFile.Parse(bytes, "logits", probabilities: false));
        // The same numbers read as probabilities (--probabilities), where they are all non-negative.
        TokenLogits probabilities;
        try
        {
            probabilities = LogitsFile.Parse(bytes, "logits", probabilities: true);
        }
        catch (InputException)
        {
            return;
        }
        Sample(probabilities);
    }

    private static void Sample(TokenLogits input) =>
        ReportJson.Serialize(new SampleRequest().Build(input, "logits", FieldStyle.Cli), c => c.SampleReport);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static string[] Lines(byte[] bytes, int max) => Text(bytes).Split('\n', max);

    private static string? Field(string[] fields, int i) => i < fields.Length && fields[i].Length > 0 ? fields[i] : null;
}
