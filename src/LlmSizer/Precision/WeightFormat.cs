using System.Text;
using LlmSizer.Formats.Safetensors;

namespace LlmSizer.Precision;

/// <summary>Which tensors of a model a <see cref="WeightFormat"/> quantizes; the rest it keeps in <see cref="WeightFormat.KeepDtype"/>.</summary>
[Flags]
public enum QuantizedTensors
{
    None = 0,
    /// <summary>Linear projections: attention q/k/v/o (fused or not), MLA projections, dense and shared-expert MLP matrices.</summary>
    Projections = 1,
    /// <summary>The routed experts' matrices.</summary>
    Experts = 2,
    /// <summary>Expert routers and Qwen2-MoE's shared-expert gate (small <c>nn.Linear</c>s).</summary>
    Routers = 4,
    /// <summary>The token and position embeddings.</summary>
    Embeddings = 8,
    /// <summary>The LM head.</summary>
    Output = 16,
    /// <summary>Norms, biases and every other vector.</summary>
    Vectors = 32,
    All = Projections | Experts | Routers | Embeddings | Output | Vectors,
}

/// <summary>
/// One tensor a format stores for a linear weight: the packed values (<see cref="IsMetadata"/> false) or their scales, zero
/// points, group indices, absmax or maps (true). <see cref="Suffix"/> is appended to the module's name (<c>qweight</c>,
/// <c>weight.absmax</c>, <c>blocks</c>…).
/// </summary>
/// <param name="Suffix">What follows the module name, e.g. <c>qweight</c> or <c>weight.quant_map</c>.</param>
/// <param name="Dtype">The safetensors dtype, e.g. <c>I32</c>, <c>F16</c>, <c>U8</c>, <c>F8_E4M3</c>.</param>
/// <param name="Shape">Stored dimensions, outermost first.</param>
/// <param name="Bytes">Bytes in the file: elements × dtype bits / 8.</param>
/// <param name="IsMetadata">Scales and friends: bytes, no parameters.</param>
public sealed record StoredTensor(string Suffix, string Dtype, IReadOnlyList<long> Shape, long Bytes, bool IsMetadata)
{
    /// <summary>Stored elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long Elements => Shape.Aggregate(1L, (a, d) => checked(a * d));
}

/// <summary>
/// A weight format of Hugging Face checkpoints (safetensors) with its exact storage: which tensors it quantizes, the tensors
/// it writes for a linear weight of <c>out × in</c> values (optionally a stack of experts), and the dtype of everything it
/// leaves alone. Byte counts are exact: element counts times dtype sizes, block and group counts rounded up as the writers do.
/// Sources are named per format in docs/METHOD.md ("Weight formats and GGUF quant mixes").
/// </summary>
public abstract record WeightFormat
{
    /// <summary>The name <see cref="WeightsPrediction"/> takes, e.g. <c>GPTQ-INT4-G128</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What is stored, in a sentence, with bits per weight.</summary>
    public abstract string Description { get; }

    /// <summary>The safetensors dtype of the tensors the format does not quantize (norms, biases, embeddings, …).</summary>
    public abstract string KeepDtype { get; }

    /// <summary>Which tensors the format quantizes in a model with (<paramref name="moe"/>) or without routed experts.</summary>
    public abstract QuantizedTensors Quantizes(bool moe);

    /// <summary>
    /// The tensors stored for one linear weight of <paramref name="outFeatures"/> × <paramref name="inFeatures"/> values,
    /// or for a stack of <paramref name="stack"/> such matrices (routed experts), the stack being the outermost dimension.
    /// </summary>
    public abstract IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1);

    /// <summary>Stored bytes of one <paramref name="outFeatures"/> × <paramref name="inFeatures"/> weight, metadata included.</summary>
    public long BytesFor(long outFeatures, long inFeatures) => Store(outFeatures, inFeatures).Sum(t => t.Bytes);

    /// <summary>Average stored bits per weight of one <paramref name="outFeatures"/> × <paramref name="inFeatures"/> weight, metadata included.</summary>
    public double BitsPerWeight(long outFeatures, long inFeatures) => 8.0 * BytesFor(outFeatures, inFeatures) / (outFeatures * inFeatures);

    /// <summary>A stored tensor with <paramref name="shape"/> in <paramref name="dtype"/>, a leading stack dimension added when stacked.</summary>
    private protected static StoredTensor Tensor(string suffix, string dtype, long stack, bool metadata, params long[] shape)
    {
        long[] full = stack == 1 ? shape : [stack, .. shape];
        var type = SafetensorsDtype.FromName(dtype) ?? throw new InvalidOperationException($"unknown dtype {dtype}");
        long elements = full.Aggregate(1L, (a, d) => checked(a * d));
        long bytes = type.BytesFor(elements) ?? throw new InvalidOperationException($"{suffix}: {elements} {dtype} values do not fill whole bytes");
        return new StoredTensor(suffix, dtype, full, bytes, metadata);
    }

    private protected static long Ceil(long a, long b) => (a + b - 1) / b;

    // The catalog. Group sizes other than these are available through Gptq(...) and Awq(...).
    public static WeightFormat Fp32 { get; } = new PlainFormat("FP32", "F32", "32-bit IEEE floats for every tensor (32 bits)");
    public static WeightFormat Fp16 { get; } = new PlainFormat("FP16", "F16", "16-bit IEEE floats for every tensor (16 bits)");
    public static WeightFormat Bf16 { get; } = new PlainFormat("BF16", "BF16", "bfloat16 for every tensor (16 bits)");
    public static WeightFormat Fp8 { get; } = new Fp8Format("FP8", "F8_E4M3", Fp8Scaling.PerChannel);
    public static WeightFormat Fp8PerTensor { get; } = new Fp8Format("FP8-TENSOR", "F8_E4M3", Fp8Scaling.PerTensor);
    public static WeightFormat Fp8Block { get; } = new Fp8Format("FP8-BLOCK", "F8_E4M3", Fp8Scaling.Block128);
    public static WeightFormat Fp8E5M2 { get; } = new Fp8Format("FP8-E5M2", "F8_E5M2", Fp8Scaling.PerTensor);
    public static WeightFormat Int8 { get; } = new BnbInt8Format();
    public static WeightFormat Nf4 { get; } = new Bnb4BitFormat("nf4", doubleQuant: false);
    public static WeightFormat Nf4DoubleQuant { get; } = new Bnb4BitFormat("nf4", doubleQuant: true);
    public static WeightFormat Fp4 { get; } = new Bnb4BitFormat("fp4", doubleQuant: false);
    public static WeightFormat Fp4DoubleQuant { get; } = new Bnb4BitFormat("fp4", doubleQuant: true);
    public static WeightFormat Mxfp4 { get; } = new Mxfp4Format();

    /// <summary>GPTQ with <paramref name="bits"/> (2, 3, 4 or 8) and groups of <paramref name="groupSize"/> input values (-1: one group per column).</summary>
    public static WeightFormat Gptq(int bits, int groupSize = 128) => new GptqFormat(bits, groupSize);

    /// <summary>AWQ with <paramref name="bits"/> (4 or 8) and groups of <paramref name="groupSize"/> input values (-1: one group per column).</summary>
    public static WeightFormat Awq(int bits = 4, int groupSize = 128) => new AwqFormat(bits, groupSize);

    /// <summary>Every format of the catalog with its default group size (GPTQ/AWQ group 128).</summary>
    public static IReadOnlyList<WeightFormat> All { get; } =
    [
        Fp32, Fp16, Bf16, Fp8, Fp8PerTensor, Fp8Block, Fp8E5M2, Int8, Nf4, Nf4DoubleQuant, Fp4, Fp4DoubleQuant,
        Gptq(4), Gptq(8), Awq(4), Awq(8), Mxfp4,
    ];
}

/// <summary>Every tensor in one float type (FP32, FP16, BF16), as unquantized checkpoints store it.</summary>
public sealed record PlainFormat(string FormatName, string Dtype, string Summary) : WeightFormat
{
    public override string Name => FormatName;
    public override string Description => Summary;
    public override string KeepDtype => Dtype;
    public override QuantizedTensors Quantizes(bool moe) => QuantizedTensors.None;

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1) =>
        [Tensor("weight", Dtype, stack, false, outFeatures, inFeatures)];
}

/// <summary>How an FP8 checkpoint scales its weights.</summary>
public enum Fp8Scaling
{
    /// <summary>One FP32 scale per weight matrix (<c>weight_scale</c>, shape [1]).</summary>
    PerTensor,
    /// <summary>One FP32 scale per output row (<c>weight_scale</c> [out, 1]), as fbgemm_fp8 and compressed-tensors' channel strategy store it.</summary>
    PerChannel,
    /// <summary>One FP32 inverse scale per 128 × 128 block (<c>weight_scale_inv</c> [⌈out/128⌉, ⌈in/128⌉]), as DeepSeek-V3 stores it.</summary>
    Block128,
}

/// <summary>
/// 8-bit float weights (E4M3 or E5M2, one byte each) with FP32 scales; the linear layers only: embeddings, the LM head,
/// routers, norms and biases stay in BF16 (DeepSeek-V3's FP8 checkpoint, llm-compressor's recipes ignore lm_head and the gates).
/// </summary>
public sealed record Fp8Format(string FormatName, string Dtype, Fp8Scaling Scaling) : WeightFormat
{
    public override string Name => FormatName;

    public override string Description => Scaling switch
    {
        Fp8Scaling.PerTensor => $"{Dtype} weights with one FP32 scale per matrix (8 bits + 32 per matrix)",
        Fp8Scaling.PerChannel => $"{Dtype} weights with one FP32 scale per output row (8 bits + 32/in)",
        _ => $"{Dtype} weights with one FP32 inverse scale per 128 × 128 block (8.002 bits)",
    };

    public override string KeepDtype => "BF16";

    public override QuantizedTensors Quantizes(bool moe) => QuantizedTensors.Projections | QuantizedTensors.Experts;

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1) =>
    [
        Tensor("weight", Dtype, stack, false, outFeatures, inFeatures),
        Scaling switch
        {
            Fp8Scaling.PerTensor => Tensor("weight_scale", "F32", stack, true, 1),
            Fp8Scaling.PerChannel => Tensor("weight_scale", "F32", stack, true, outFeatures, 1),
            _ => Tensor("weight_scale_inv", "F32", stack, true, Ceil(outFeatures, 128), Ceil(inFeatures, 128)),
        },
    ];
}

/// <summary>
/// bitsandbytes LLM.int8(): an I8 weight with one FP32 absmax scale per output row (<c>SCB</c>) and the one-byte
/// <c>weight_format</c> marker Linear8bitLt saves; every <c>nn.Linear</c> but the LM head. The rest stays in FP16, the dtype
/// transformers' bitsandbytes quantizer loads the model in when none is given.
/// </summary>
public sealed record BnbInt8Format : WeightFormat
{
    public override string Name => "INT8";
    public override string Description => "bitsandbytes LLM.int8(): I8 weights with an FP32 scale per output row (8 bits + 32/in)";
    public override string KeepDtype => "F16";

    public override QuantizedTensors Quantizes(bool moe) => QuantizedTensors.Projections | QuantizedTensors.Experts | QuantizedTensors.Routers;

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1) =>
    [
        Tensor("weight", "I8", stack, false, outFeatures, inFeatures),
        Tensor("SCB", "F32", stack, true, outFeatures),
        Tensor("weight_format", "U8", stack, true),
    ];
}

/// <summary>
/// bitsandbytes 4-bit (QLoRA's NF4, or FP4): two 4-bit codes per byte in a flat U8 column, one FP32 absmax per block of 64
/// values, the 16-entry code table (<c>quant_map</c>), and the quantization state as JSON bytes. With double quantization the
/// absmax values are themselves stored in 8 bits, in blocks of 256 with an FP32 absmax each and a 256-entry table. Every
/// <c>nn.Linear</c> but the LM head is quantized; the rest stays in the model's dtype (FP16 unless the caller loaded it in
/// another: transformers' bitsandbytes quantizer picks float16 when none is given).
/// </summary>
public sealed record Bnb4BitFormat : WeightFormat
{
    /// <summary>bitsandbytes' 4-bit block: 64 values share one absmax.</summary>
    public const int BlockSize = 64;

    /// <summary>Double quantization's block: 256 absmax values share one FP32 absmax.</summary>
    public const int NestedBlockSize = 256;

    /// <summary>
    /// The characters of the FP32 mean (<c>nested_offset</c>) in the JSON state: Python's shortest repr of a float32 widened
    /// to a double, e.g. <c>0.010733842477202415</c>. Its length varies by a few characters with the value; 20 is typical.
    /// </summary>
    public const int NestedOffsetCharacters = 20;

    /// <param name="quantType"><c>nf4</c> or <c>fp4</c>.</param>
    /// <param name="doubleQuant">bnb_4bit_use_double_quant.</param>
    /// <param name="modelDtype">The model's torch dtype: <c>float16</c>, <c>bfloat16</c> or <c>float32</c>.</param>
    public Bnb4BitFormat(string quantType, bool doubleQuant, string modelDtype = "float16")
    {
        if (quantType is not ("nf4" or "fp4"))
            throw new ArgumentOutOfRangeException(nameof(quantType), quantType, "bitsandbytes 4-bit is nf4 or fp4");
        KeepDtype = modelDtype switch
        {
            "float16" => "F16",
            "bfloat16" => "BF16",
            "float32" => "F32",
            _ => throw new ArgumentOutOfRangeException(nameof(modelDtype), modelDtype, "expected float16, bfloat16 or float32"),
        };
        QuantType = quantType;
        DoubleQuant = doubleQuant;
        ModelDtype = modelDtype;
    }

    /// <summary><c>nf4</c> or <c>fp4</c>.</summary>
    public string QuantType { get; }

    /// <summary>Double quantization (<c>bnb_4bit_use_double_quant</c>).</summary>
    public bool DoubleQuant { get; }

    /// <summary>The model's dtype as torch spells it, written into the JSON state (the dtype the weight had before quantization).</summary>
    public string ModelDtype { get; }

    public override string Name => QuantType.ToUpperInvariant() + (DoubleQuant ? "-DQ" : "");

    public override string Description => DoubleQuant
        ? $"bitsandbytes {QuantType.ToUpperInvariant()} with double quantization: 4 bits + an 8-bit absmax per 64 + an FP32 absmax per 16,384 (≈ 4.127 bits)"
        : $"bitsandbytes {QuantType.ToUpperInvariant()}: 4 bits + an FP32 absmax per 64 values (4.5 bits)";

    public override string KeepDtype { get; }

    public override QuantizedTensors Quantizes(bool moe) => QuantizedTensors.Projections | QuantizedTensors.Experts | QuantizedTensors.Routers;

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1)
    {
        long n = checked(outFeatures * inFeatures);
        long blocks = Ceil(n, BlockSize);
        var list = new List<StoredTensor> { Tensor("weight", "U8", stack, false, Ceil(n, 2), 1) };
        if (DoubleQuant)
        {
            list.Add(Tensor("weight.absmax", "U8", stack, true, blocks));
            list.Add(Tensor("weight.nested_absmax", "F32", stack, true, Ceil(blocks, NestedBlockSize)));
            list.Add(Tensor("weight.nested_quant_map", "F32", stack, true, 256));
        }
        else
        {
            list.Add(Tensor("weight.absmax", "F32", stack, true, blocks));
        }
        list.Add(Tensor("weight.quant_map", "F32", stack, true, 16));
        list.Add(Tensor($"weight.quant_state.bitsandbytes__{QuantType}", "U8", stack, true, Encoding.UTF8.GetByteCount(StateJson(outFeatures, inFeatures))));
        return list;
    }

    /// <summary>
    /// The quantization state bitsandbytes packs into a U8 tensor: Python's <c>json.dumps</c> of the non-tensor fields in the
    /// order QuantState.as_dict writes them. The nested offset's digits are a stand-in of typical length.
    /// </summary>
    public string StateJson(long outFeatures, long inFeatures)
    {
        var json = new StringBuilder($"{{\"quant_type\": \"{QuantType}\", \"blocksize\": {BlockSize}, \"dtype\": \"{ModelDtype}\", \"shape\": [{outFeatures}, {inFeatures}]");
        if (DoubleQuant)
            json.Append($", \"nested_blocksize\": {NestedBlockSize}, \"nested_dtype\": \"float32\", \"nested_offset\": 0.{new string('0', NestedOffsetCharacters - 2)}");
        return json.Append('}').ToString();
    }
}

/// <summary>
/// Group-wise integer quantization as GPTQ and AWQ store it: <see cref="Bits"/>-bit values packed into I32 words, an FP16
/// scale and a packed zero point per <see cref="GroupSize"/> inputs of each output column. Linear layers of the decoder
/// only; embeddings, the LM head and routers stay in FP16. The two differ in how they pack (see each <c>Store</c>).
/// </summary>
public abstract record GroupQuantFormat : WeightFormat
{
    protected GroupQuantFormat(string family, int bits, int groupSize, int[] allowedBits)
    {
        if (Array.IndexOf(allowedBits, bits) < 0)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"{family} packs {string.Join(", ", allowedBits)} bits");
        if (groupSize is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "a group size is positive, or -1 for one group per column");
        Family = family;
        Bits = bits;
        GroupSize = groupSize;
    }

    /// <summary>"GPTQ" or "AWQ".</summary>
    public string Family { get; }

    public int Bits { get; }

    /// <summary>Input values per scale; -1 means one group spanning the whole input.</summary>
    public int GroupSize { get; }

    public override string Name => $"{Family}-INT{Bits}-G{(GroupSize == -1 ? "CHANNEL" : GroupSize.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    public override string Description => $"{Family} {Bits}-bit, " + (GroupSize == -1 ? "one FP16 scale and zero per column" : $"an FP16 scale and a {Bits}-bit zero per {GroupSize} inputs")
        + $" (≈ {Bits + (GroupSize == -1 ? 0 : (16.0 + Bits) / GroupSize):0.###} bits)";

    public override string KeepDtype => "F16";

    public override QuantizedTensors Quantizes(bool moe) => QuantizedTensors.Projections | QuantizedTensors.Experts;
}

/// <summary>
/// GPTQ as AutoGPTQ and GPTQModel save it: <c>qweight</c> I32 [in·bits/32, out] (values packed along the input dimension),
/// <c>qzeros</c> I32 [groups, out·bits/32], <c>scales</c> F16 [groups, out], <c>g_idx</c> I32 [in], groups = ⌈in / group size⌉.
/// The linear layers of the decoder only; embeddings, the LM head and routers stay in FP16.
/// </summary>
public sealed record GptqFormat : GroupQuantFormat
{
    public GptqFormat(int bits, int groupSize)
        : base("GPTQ", bits, groupSize, [2, 3, 4, 8])
    {
    }

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1)
    {
        long groups = GroupSize == -1 ? 1 : Ceil(inFeatures, GroupSize);
        return
        [
            Tensor("qweight", "I32", stack, false, Ceil(inFeatures * Bits, 32), outFeatures),
            Tensor("qzeros", "I32", stack, true, groups, Ceil(outFeatures * Bits, 32)),
            Tensor("scales", "F16", stack, true, groups, outFeatures),
            Tensor("g_idx", "I32", stack, true, inFeatures),
        ];
    }
}

/// <summary>
/// AWQ as AutoAWQ's GEMM layout saves it: <c>qweight</c> I32 [in, out·bits/32] (values packed along the output dimension),
/// <c>qzeros</c> I32 [groups, out·bits/32], <c>scales</c> F16 [groups, out]; no <c>g_idx</c>. Linear layers of the decoder only.
/// </summary>
public sealed record AwqFormat : GroupQuantFormat
{
    public AwqFormat(int bits, int groupSize)
        : base("AWQ", bits, groupSize, [4, 8])
    {
    }

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1)
    {
        long groups = GroupSize == -1 ? 1 : Ceil(inFeatures, GroupSize);
        long packedOut = Ceil(outFeatures * Bits, 32);
        return
        [
            Tensor("qweight", "I32", stack, false, inFeatures, packedOut),
            Tensor("qzeros", "I32", stack, true, groups, packedOut),
            Tensor("scales", "F16", stack, true, groups, outFeatures),
        ];
    }
}

/// <summary>
/// OCP MXFP4 as gpt-oss stores it: each row in blocks of 32 FP4 (E2M1) values packed two per byte (<c>_blocks</c> U8
/// [out, ⌈in/32⌉, 16]) and one E8M0 power-of-two scale per block (<c>_scales</c> U8 [out, ⌈in/32⌉]): 4.25 bits. In a MoE
/// model only the routed experts (gpt-oss, transformers' Mxfp4Config); in a dense model every linear layer but the LM head.
/// </summary>
public sealed record Mxfp4Format : WeightFormat
{
    public override string Name => "MXFP4";
    public override string Description => "OCP MXFP4: FP4 (E2M1) values with one E8M0 scale per 32 (4.25 bits)";
    public override string KeepDtype => "BF16";

    public override QuantizedTensors Quantizes(bool moe) => moe ? QuantizedTensors.Experts : QuantizedTensors.Projections;

    public override IReadOnlyList<StoredTensor> Store(long outFeatures, long inFeatures, long stack = 1)
    {
        long blocks = Ceil(inFeatures, 32);
        return
        [
            Tensor("blocks", "U8", stack, false, outFeatures, blocks, 16),
            Tensor("scales", "U8", stack, true, outFeatures, blocks),
        ];
    }
}
