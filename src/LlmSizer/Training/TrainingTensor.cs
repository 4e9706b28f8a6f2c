using System.Runtime.CompilerServices;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;

namespace LlmSizer.Training;

/// <summary>What a stored tensor is, as far as training needs to know: which module kind, so LoRA targets and sharding rules can find it.</summary>
public enum TensorKind
{
    TokenEmbedding,
    PositionEmbedding,
    Output,
    /// <summary>Attention query projection (or MLA's query down/up projections).</summary>
    Query,
    Key,
    Value,
    /// <summary>A fused query/key/value projection (GPT-2 <c>c_attn</c>, Falcon, Phi-3).</summary>
    QueryKeyValue,
    /// <summary>MLA's compressed key/value projections.</summary>
    LatentKeyValue,
    AttentionOutput,
    Gate,
    Up,
    /// <summary>A fused gate and up projection.</summary>
    GateUp,
    Down,
    /// <summary>An expert router or a shared-expert gate.</summary>
    Router,
    /// <summary>A hybrid model's recurrent mixer matrices (Mamba-2, Gated DeltaNet, short convolution).</summary>
    Recurrent,
    /// <summary>Norms, biases and every other vector.</summary>
    Vector,
    Other,
}

/// <summary>
/// One stored tensor of a model seen by the training estimator: its llama.cpp name (canonical across families), kind, block
/// (-1 outside blocks), <see cref="Out"/> × <see cref="In"/> for matrices (times <see cref="Stack"/> routed experts) and its elements.
/// </summary>
public sealed record TrainingTensor(string Name, TensorKind Kind, int Layer, long Out, long In, long Stack, long Elements)
{
    /// <summary>A weight matrix (a stack of routed experts counts as one tensor of <see cref="Stack"/> matrices).</summary>
    public bool IsMatrix => Out > 0 && In > 0;

    /// <summary>A linear projection inside a block (not an embedding, the LM head or a router).</summary>
    public bool IsLinear => IsMatrix && Kind is not (TensorKind.TokenEmbedding or TensorKind.PositionEmbedding or TensorKind.Output or TensorKind.Router);

    /// <summary>Routed experts stacked into one tensor.</summary>
    public bool IsExperts => Stack > 1;

    // The GPU-count search estimates the same spec dozens of times; specs are immutable, so the list is kept per spec object.
    private static readonly ConditionalWeakTable<ModelSpec, IReadOnlyList<TrainingTensor>> BySpec = [];

    /// <summary>The tensors of <paramref name="spec"/>, from the same layout the GGUF and safetensors predictions use.</summary>
    public static IReadOnlyList<TrainingTensor> Of(ModelSpec spec) => BySpec.GetValue(spec, Build);

    private static IReadOnlyList<TrainingTensor> Build(ModelSpec spec)
    {
        var layout = GgufLayout.Supports(spec) ? GgufLayout.Tensors(spec) : GgufLayout.AnyArchitecture(spec);
        var list = new List<TrainingTensor>(layout.Count);
        foreach (var t in layout)
        {
            // llama.cpp's GPT-2 conversion writes a copy of the tied head; in training it is one parameter with the embedding.
            if (spec.TiedEmbeddings && t.Role == GgufTensorRole.Output)
                continue;
            list.Add(From(t));
        }
        return list.AsReadOnly();
    }

    private static TrainingTensor From(GgufLayoutTensor t)
    {
        string stem = Stem(t.Name);
        var kind = KindOf(t.Role, stem);
        long @out = 0, @in = 0, stack = 1;
        bool matrix = t.Role is GgufTensorRole.Projection or GgufTensorRole.Experts or GgufTensorRole.Router
            or GgufTensorRole.TokenEmbedding or GgufTensorRole.PositionEmbedding or GgufTensorRole.Output;
        if (matrix && t.Dimensions >= 2)
        {
            @in = t.Shape[^1];
            @out = t.Shape[^2];
            // Stacked experts lead with the expert count; MLA's per-head k_b/v_b lead with heads: both are that many matrices.
            if (t.Dimensions == 3)
                stack = t.Shape[0];
            if (t.Role != GgufTensorRole.Experts && stack > 1)
            {
                @out *= stack;
                stack = 1;
            }
        }
        return new TrainingTensor(t.Name, matrix && t.Dimensions >= 2 ? kind : TensorKind.Vector, t.Layer, @out, @in, stack, t.Elements);
    }

    private static string Stem(string name)
    {
        int dot = name.LastIndexOf('.');
        string stem = name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal) ? name[..dot] : name;
        return stem.StartsWith("blk.", StringComparison.Ordinal) ? stem[(stem.IndexOf('.', 4) + 1)..] : stem;
    }

    private static TensorKind KindOf(GgufTensorRole role, string stem) => role switch
    {
        GgufTensorRole.TokenEmbedding => TensorKind.TokenEmbedding,
        GgufTensorRole.PositionEmbedding => TensorKind.PositionEmbedding,
        GgufTensorRole.Output => TensorKind.Output,
        GgufTensorRole.Router => TensorKind.Router,
        GgufTensorRole.Projection or GgufTensorRole.Experts => stem switch
        {
            "attn_q" or "attn_q_a" or "attn_q_b" => TensorKind.Query,
            "attn_k" => TensorKind.Key,
            "attn_v" => TensorKind.Value,
            "attn_qkv" => TensorKind.QueryKeyValue,
            "attn_kv_a_mqa" or "attn_kv_b" or "attn_k_b" or "attn_v_b" => TensorKind.LatentKeyValue,
            "attn_output" => TensorKind.AttentionOutput,
            _ when stem.StartsWith("ffn_gate_up", StringComparison.Ordinal) => TensorKind.GateUp,
            _ when stem.StartsWith("ffn_gate", StringComparison.Ordinal) => TensorKind.Gate,
            _ when stem.StartsWith("ffn_up", StringComparison.Ordinal) => TensorKind.Up,
            _ when stem.StartsWith("ffn_down", StringComparison.Ordinal) => TensorKind.Down,
            _ => TensorKind.Recurrent,
        },
        _ => TensorKind.Vector,
    };
}
