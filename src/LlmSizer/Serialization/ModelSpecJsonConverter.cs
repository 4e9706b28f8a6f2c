using System.Text.Json;
using System.Text.Json.Serialization;
using LlmSizer.Models;

namespace LlmSizer.Serialization;

/// <summary>
/// Reads and writes <see cref="ModelSpec"/> as camelCase JSON. Written by hand because the source-generated
/// path overwrites init-property defaults (NormsPerLayer = 2, FinalNorm = true) with zeros for absent fields,
/// and so that a bad catalog field is reported by name.
/// </summary>
public sealed class ModelSpecJsonConverter : JsonConverter<ModelSpec>
{
    public override ModelSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new JsonException("expected a model spec object");
        try
        {
            return FromJson(new JsonFields(doc.RootElement, "spec."));
        }
        catch (ModelSpecException e)
        {
            throw new JsonException($"{e.Field}: {e.Problem}");
        }
    }

    internal static ModelSpec FromJson(JsonFields f)
    {
        Reject(f, [
            "architecture", "vocabSize", "hiddenSize", "layers", "attentionHeads", "keyValueHeads", "keyValueHeadsPerLayer", "headDim", "ffnSize", "mlp",
            "activation", "biases", "norm", "normsPerLayer", "qkNorm", "finalNorm", "embeddingNorm", "parallelBlocks",
            "tiedEmbeddings", "positions", "learnedPositions", "embeddingProjectionSize", "maxContextTokens", "moe", "mla",
            "slidingWindow", "attentionSinks", "multiTokenPredictionLayers", "multiTokenPredictionSharesHead", "attentionOutputGate", "rotaryDimensions",
            "recurrent"]);
        var biases = f.Object("biases");
        var moe = f.Object("moe");
        var mla = f.Object("mla");
        var window = f.Object("slidingWindow");
        var recurrent = f.Object("recurrent");
        return new ModelSpec
        {
            Architecture = f.String("architecture") ?? throw new ModelSpecException(f.Name("architecture"), "required field is missing"),
            VocabSize = f.Long("vocabSize"),
            HiddenSize = f.Int("hiddenSize"),
            Layers = f.Int("layers"),
            AttentionHeads = f.Int("attentionHeads"),
            KeyValueHeads = f.OptionalInt("keyValueHeads"),
            KeyValueHeadsPerLayer = f.IntArray("keyValueHeadsPerLayer", ModelSpecValidator.MaxHeads),
            HeadDim = f.OptionalInt("headDim"),
            FfnSize = f.Long("ffnSize", null, 0),
            Mlp = Enum<MlpKind>(f, "mlp", MlpKind.Gated),
            Activation = f.String("activation") ?? "silu",
            Biases = biases is null ? BiasSpec.None : new BiasSpec
            {
                Qkv = biases.Bool("qkv", false),
                AttentionOutput = biases.Bool("attentionOutput", false),
                Mlp = biases.Bool("mlp", false),
                LmHead = biases.Bool("lmHead", false),
            },
            Norm = Enum<NormKind>(f, "norm", NormKind.RmsNorm),
            NormsPerLayer = f.Int("normsPerLayer", 2, 0),
            QkNorm = Enum<QkNormKind>(f, "qkNorm", QkNormKind.None),
            FinalNorm = f.Bool("finalNorm", true),
            EmbeddingNorm = f.Bool("embeddingNorm", false),
            ParallelBlocks = f.Bool("parallelBlocks", false),
            TiedEmbeddings = f.Bool("tiedEmbeddings", false),
            Positions = Enum<PositionEncoding>(f, "positions", PositionEncoding.Rotary),
            LearnedPositions = f.Int("learnedPositions", 0, 0),
            EmbeddingProjectionSize = f.OptionalInt("embeddingProjectionSize"),
            MaxContextTokens = f.Int("maxContextTokens", 0, 0),
            AttentionSinks = f.Bool("attentionSinks", false),
            MultiTokenPredictionLayers = f.Int("multiTokenPredictionLayers", 0, 0),
            MultiTokenPredictionSharesHead = f.Bool("multiTokenPredictionSharesHead", false),
            AttentionOutputGate = f.Bool("attentionOutputGate", false),
            RotaryDimensions = f.OptionalInt("rotaryDimensions"),
            Recurrent = recurrent is null ? null : Recurrent(recurrent),
            Moe = moe is null ? null : new MoeSpec
            {
                RoutedExperts = moe.Int("routedExperts"),
                ExpertsPerToken = moe.Int("expertsPerToken"),
                ExpertFfnSize = moe.Long("expertFfnSize"),
                SharedExperts = moe.Int("sharedExperts", 0, 0),
                SharedExpertFfnSize = moe.Has("sharedExpertFfnSize") ? moe.Long("sharedExpertFfnSize") : null,
                SharedExpertGate = moe.Bool("sharedExpertGate", false),
                RouterBias = moe.Bool("routerBias", false),
                RouterScoreCorrectionBias = moe.Bool("routerScoreCorrectionBias", false),
                FirstDenseLayers = moe.Int("firstDenseLayers", 0, 0),
                LayerStep = moe.Int("layerStep", 1),
                DenseLayers = moe.IntArray("denseLayers", ModelSpecValidator.MaxLayers),
            },
            Mla = mla is null ? null : new MlaSpec
            {
                QLoraRank = mla.OptionalInt("qLoraRank"),
                KvLoraRank = mla.Int("kvLoraRank"),
                QkNopeHeadDim = mla.Int("qkNopeHeadDim", null, 0),
                QkRopeHeadDim = mla.Int("qkRopeHeadDim", null, 0),
                VHeadDim = mla.Int("vHeadDim"),
            },
            SlidingWindow = window is null ? null : new SlidingWindowSpec
            {
                WindowTokens = window.Int("windowTokens"),
                GlobalLayerPeriod = window.Int("globalLayerPeriod", 0, 0),
                Chunked = window.Bool("chunked", false),
            },
        };
    }

    private static RecurrentSpec Recurrent(JsonFields r)
    {
        Reject(r, ["kind", "layerPattern", "convKernel", "stateSize", "groups", "heads", "headDim", "convBias", "projectionBias"]);
        return new RecurrentSpec
        {
            Kind = r.Has("kind") ? Enum<RecurrentKind>(r, "kind", default) : throw new ModelSpecException(r.Name("kind"), "required field is missing"),
            LayerPattern = r.String("layerPattern") ?? throw new ModelSpecException(r.Name("layerPattern"), "required field is missing"),
            ConvKernel = r.Int("convKernel"),
            StateSize = r.Int("stateSize", 0, 0),
            Groups = r.Int("groups", 0, 0),
            Heads = r.Int("heads", 0, 0),
            HeadDim = r.Int("headDim", 0, 0),
            ConvBias = r.Bool("convBias", false),
            ProjectionBias = r.Bool("projectionBias", false),
        };
    }

    private static void Reject(JsonFields f, string[] known)
    {
        foreach (var p in f.Element.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0)
                throw new ModelSpecException(f.Name(p.Name), $"unknown field; expected one of {string.Join(", ", known)}");
    }

    private static T Enum<T>(JsonFields f, string name, T fallback) where T : struct, Enum
    {
        string? s = f.String(name);
        if (s is null)
            return fallback;
        return System.Enum.TryParse<T>(s, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(s[0])
            ? value
            : throw new ModelSpecException(f.Name(name), $"expected one of {string.Join(", ", System.Enum.GetNames<T>().Select(Camel))}, found \"{s}\"");
    }

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    public override void Write(Utf8JsonWriter w, ModelSpec s, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        w.WriteString("architecture", s.Architecture);
        w.WriteNumber("vocabSize", s.VocabSize);
        w.WriteNumber("hiddenSize", s.HiddenSize);
        w.WriteNumber("layers", s.Layers);
        w.WriteNumber("attentionHeads", s.AttentionHeads);
        w.WriteNumber("keyValueHeads", s.EffectiveKeyValueHeads);
        // Written only when set, so the JSON of every uniform model stays as it was.
        if (s.KeyValueHeadsPerLayer is { } kvPerLayer)
        {
            w.WriteStartArray("keyValueHeadsPerLayer");
            foreach (int heads in kvPerLayer)
                w.WriteNumberValue(heads);
            w.WriteEndArray();
        }
        w.WriteNumber("headDim", s.EffectiveHeadDim);
        w.WriteNumber("ffnSize", s.FfnSize);
        w.WriteString("mlp", Camel(s.Mlp.ToString()));
        w.WriteString("activation", s.Activation);
        w.WriteStartObject("biases");
        w.WriteBoolean("qkv", s.Biases.Qkv);
        w.WriteBoolean("attentionOutput", s.Biases.AttentionOutput);
        w.WriteBoolean("mlp", s.Biases.Mlp);
        w.WriteBoolean("lmHead", s.Biases.LmHead);
        w.WriteEndObject();
        w.WriteString("norm", Camel(s.Norm.ToString()));
        w.WriteNumber("normsPerLayer", s.NormsPerLayer);
        w.WriteString("qkNorm", Camel(s.QkNorm.ToString()));
        w.WriteBoolean("finalNorm", s.FinalNorm);
        w.WriteBoolean("embeddingNorm", s.EmbeddingNorm);
        w.WriteBoolean("parallelBlocks", s.ParallelBlocks);
        w.WriteBoolean("tiedEmbeddings", s.TiedEmbeddings);
        w.WriteString("positions", Camel(s.Positions.ToString()));
        if (s.Positions == PositionEncoding.Learned)
            w.WriteNumber("learnedPositions", s.LearnedPositions);
        if (s.EmbeddingProjectionSize is { } proj)
            w.WriteNumber("embeddingProjectionSize", proj);
        w.WriteNumber("maxContextTokens", s.MaxContextTokens);
        w.WriteBoolean("attentionSinks", s.AttentionSinks);
        w.WriteNumber("multiTokenPredictionLayers", s.MultiTokenPredictionLayers);
        // Written only when set, so the JSON of every model without them stays as it was.
        if (s.MultiTokenPredictionSharesHead)
            w.WriteBoolean("multiTokenPredictionSharesHead", true);
        if (s.AttentionOutputGate)
            w.WriteBoolean("attentionOutputGate", true);
        if (s.RotaryDimensions is { } rotary)
            w.WriteNumber("rotaryDimensions", rotary);
        if (s.Recurrent is { } r)
        {
            w.WriteStartObject("recurrent");
            w.WriteString("kind", Camel(r.Kind.ToString()));
            w.WriteString("layerPattern", r.LayerPattern);
            w.WriteNumber("convKernel", r.ConvKernel);
            if (r.Kind != RecurrentKind.ShortConv)
            {
                w.WriteNumber("stateSize", r.StateSize);
                w.WriteNumber("groups", r.Groups);
                w.WriteNumber("heads", r.Heads);
                w.WriteNumber("headDim", r.HeadDim);
            }
            w.WriteBoolean("convBias", r.ConvBias);
            w.WriteBoolean("projectionBias", r.ProjectionBias);
            w.WriteEndObject();
        }
        if (s.Moe is { } moe)
        {
            w.WriteStartObject("moe");
            w.WriteNumber("routedExperts", moe.RoutedExperts);
            w.WriteNumber("expertsPerToken", moe.ExpertsPerToken);
            w.WriteNumber("expertFfnSize", moe.ExpertFfnSize);
            w.WriteNumber("sharedExperts", moe.SharedExperts);
            if (moe.SharedExpertFfnSize is { } shared)
                w.WriteNumber("sharedExpertFfnSize", shared);
            w.WriteBoolean("sharedExpertGate", moe.SharedExpertGate);
            w.WriteBoolean("routerBias", moe.RouterBias);
            w.WriteBoolean("routerScoreCorrectionBias", moe.RouterScoreCorrectionBias);
            w.WriteNumber("firstDenseLayers", moe.FirstDenseLayers);
            w.WriteNumber("layerStep", moe.LayerStep);
            if (moe.DenseLayers is { } dense)
            {
                w.WriteStartArray("denseLayers");
                foreach (int layer in dense)
                    w.WriteNumberValue(layer);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        if (s.Mla is { } mla)
        {
            w.WriteStartObject("mla");
            if (mla.QLoraRank is { } qr)
                w.WriteNumber("qLoraRank", qr);
            w.WriteNumber("kvLoraRank", mla.KvLoraRank);
            w.WriteNumber("qkNopeHeadDim", mla.QkNopeHeadDim);
            w.WriteNumber("qkRopeHeadDim", mla.QkRopeHeadDim);
            w.WriteNumber("vHeadDim", mla.VHeadDim);
            w.WriteEndObject();
        }
        if (s.SlidingWindow is { } win)
        {
            w.WriteStartObject("slidingWindow");
            w.WriteNumber("windowTokens", win.WindowTokens);
            w.WriteNumber("globalLayerPeriod", win.GlobalLayerPeriod);
            // Written only when set, so the JSON of every sliding-window model stays as it was.
            if (win.Chunked)
                w.WriteBoolean("chunked", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
