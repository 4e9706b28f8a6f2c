using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Precision;

/// <summary>
/// Exact bytes of one 4096 × 4096 linear layer (Llama-7B's q_proj: 16,777,216 weights) in each Hugging Face format, with the
/// arithmetic. Layouts: AutoGPTQ/GPTQModel and AutoAWQ quantized linear layers, bitsandbytes functional.py and
/// nn/modules.py, transformers' fbgemm_fp8 and DeepSeek-V3's FP8 checkpoint, the OCP MX v1.0 spec and gpt-oss (docs/METHOD.md).
/// </summary>
public class WeightFormatTests
{
    private const long N = 4096L * 4096; // 16,777,216 weights

    private static Dictionary<string, StoredTensor> Layer(WeightFormat format) =>
        format.Store(4096, 4096).ToDictionary(t => t.Suffix);

    /// <summary>"DTYPE [shape] bytes", to compare a stored tensor in one assertion.</summary>
    private static string D(StoredTensor t) => $"{t.Dtype} [{string.Join(", ", t.Shape)}] {t.Bytes}";

    [Fact]
    public void Plain_formats_store_every_weight_in_their_own_width()
    {
        Assert.Equal(N * 4, WeightFormat.Fp32.BytesFor(4096, 4096)); // 67,108,864
        Assert.Equal(N * 2, WeightFormat.Fp16.BytesFor(4096, 4096)); // 33,554,432
        Assert.Equal(33_554_432, WeightFormat.Bf16.BytesFor(4096, 4096));
        Assert.Equal("BF16", WeightFormat.Bf16.Store(4096, 4096).Single().Dtype);
    }

    [Fact]
    public void Gptq_int4_with_groups_of_128_stores_packed_int32s_fp16_scales_packed_zeros_and_g_idx()
    {
        var t = Layer(WeightFormat.Gptq(4, 128));
        // qweight: I32 [4096 · 4 / 32 = 512, 4096] = 2,097,152 int32 = 8,388,608 B (eight 4-bit values per int32).
        Assert.Equal("I32 [512, 4096] 8388608", D(t["qweight"]));
        // scales: F16 [4096 / 128 = 32 groups, 4096 columns] = 131,072 halves = 262,144 B.
        Assert.Equal("F16 [32, 4096] 262144", D(t["scales"]));
        // qzeros: I32 [32 groups, 4096 · 4 / 32 = 512] = 16,384 int32 = 65,536 B.
        Assert.Equal("I32 [32, 512] 65536", D(t["qzeros"]));
        // g_idx: I32 [4096] = 16,384 B (the group of each input row; saved even without act-order).
        Assert.Equal(16_384, t["g_idx"].Bytes);
        Assert.Equal(8_732_672, WeightFormat.Gptq(4, 128).BytesFor(4096, 4096));
        Assert.Equal(4.164, WeightFormat.Gptq(4, 128).BitsPerWeight(4096, 4096), 3);
        Assert.False(t["qweight"].IsMetadata);
        Assert.True(t["scales"].IsMetadata);
    }

    [Fact]
    public void Gptq_int8_and_other_group_sizes_scale_the_same_arithmetic()
    {
        // INT8 g128: qweight [1024, 4096] I32 = 16,777,216 B; qzeros [32, 1024] I32 = 131,072 B; scales 262,144; g_idx 16,384.
        Assert.Equal(16_777_216 + 131_072 + 262_144 + 16_384, WeightFormat.Gptq(8, 128).BytesFor(4096, 4096));
        // INT4 g32: 128 groups: scales [128, 4096] F16 = 1,048,576 B; qzeros [128, 512] I32 = 262,144 B.
        Assert.Equal(8_388_608 + 262_144 + 1_048_576 + 16_384, WeightFormat.Gptq(4, 32).BytesFor(4096, 4096));
        // One group per column (-1): scales [1, 4096] = 8,192 B; qzeros [1, 512] = 2,048 B.
        Assert.Equal(8_388_608 + 2_048 + 8_192 + 16_384, WeightFormat.Gptq(4, -1).BytesFor(4096, 4096));
        // 3 bits pack continuously: qweight [4096 · 3 / 32 = 384, 4096] I32 = 6,291,456 B.
        Assert.Equal([384L, 4096], WeightFormat.Gptq(3, 128).Store(4096, 4096)[0].Shape);
        // A row that is not a whole group rounds up: 11,008 inputs in groups of 128 = 86 groups exactly; 11,000 → 86 too.
        Assert.Equal([86L, 4096], WeightFormat.Gptq(4, 128).Store(4096, 11_000).Single(x => x.Suffix == "scales").Shape);
    }

    [Fact]
    public void Awq_packs_along_the_output_dimension_and_stores_no_g_idx()
    {
        var t = Layer(WeightFormat.Awq(4, 128));
        // qweight: I32 [4096, 4096 · 4 / 32 = 512] = 8,388,608 B; qzeros I32 [32, 512] = 65,536 B; scales F16 [32, 4096] = 262,144 B.
        Assert.Equal([4096L, 512], t["qweight"].Shape);
        Assert.Equal(8_388_608 + 65_536 + 262_144, WeightFormat.Awq(4, 128).BytesFor(4096, 4096));
        Assert.DoesNotContain("g_idx", t.Keys);
        Assert.Equal("AWQ-INT4-G128", WeightFormat.Awq().Name);
        // AWQ-INT8: qweight [4096, 1024] = 16,777,216 B, qzeros [32, 1024] = 131,072 B.
        Assert.Equal(16_777_216 + 131_072 + 262_144, WeightFormat.Awq(8, 128).BytesFor(4096, 4096));
    }

    [Fact]
    public void Bitsandbytes_nf4_stores_two_codes_a_byte_and_an_fp32_absmax_per_64_values()
    {
        var t = Layer(WeightFormat.Nf4);
        // weight: U8 [16,777,216 / 2 = 8,388,608, 1] = 8,388,608 B.
        Assert.Equal("U8 [8388608, 1] 8388608", D(t["weight"]));
        // absmax: F32 [16,777,216 / 64 = 262,144] = 1,048,576 B.
        Assert.Equal("F32 [262144] 1048576", D(t["weight.absmax"]));
        // quant_map: F32 [16] = 64 B (the NF4 code table).
        Assert.Equal(64, t["weight.quant_map"].Bytes);
        // The quant state, json.dumps of its non-tensor fields for a float16 model: 81 bytes (82 for bfloat16).
        const string state = """{"quant_type": "nf4", "blocksize": 64, "dtype": "float16", "shape": [4096, 4096]}""";
        Assert.Equal(state, ((Bnb4BitFormat)WeightFormat.Nf4).StateJson(4096, 4096));
        Assert.Equal(81, t["weight.quant_state.bitsandbytes__nf4"].Bytes);
        Assert.Equal(82, new Bnb4BitFormat("nf4", doubleQuant: false, modelDtype: "bfloat16").Store(4096, 4096)[^1].Bytes);
        Assert.Equal(8_388_608 + 1_048_576 + 64 + 81, WeightFormat.Nf4.BytesFor(4096, 4096)); // 9,437,329 B, 4.5 bits
        Assert.Equal(4.5, WeightFormat.Nf4.BitsPerWeight(4096, 4096), 3);
    }

    [Fact]
    public void Bitsandbytes_double_quantization_stores_the_absmax_in_8_bits_with_an_fp32_absmax_per_256()
    {
        var t = Layer(WeightFormat.Nf4DoubleQuant);
        // absmax: U8 [262,144] = 262,144 B; nested_absmax: F32 [262,144 / 256 = 1,024] = 4,096 B; nested_quant_map: F32 [256] = 1,024 B.
        Assert.Equal(("U8", 262_144L), (t["weight.absmax"].Dtype, t["weight.absmax"].Bytes));
        Assert.Equal("F32 [1024] 4096", D(t["weight.nested_absmax"]));
        Assert.Equal(1_024, t["weight.nested_quant_map"].Bytes);
        // The state adds nested_blocksize, nested_dtype and nested_offset (a float's repr, about 20 characters): 172 bytes.
        Assert.Equal(172, t["weight.quant_state.bitsandbytes__nf4"].Bytes);
        Assert.Equal(8_388_608 + 262_144 + 4_096 + 1_024 + 64 + 172, WeightFormat.Nf4DoubleQuant.BytesFor(4096, 4096));
        // 4 + 8/64 + 32/(64 · 256) = 4.127 bits, plus the tables and the state: 4.128.
        Assert.Equal(4.128, WeightFormat.Nf4DoubleQuant.BitsPerWeight(4096, 4096), 3);
        Assert.Equal("weight.quant_state.bitsandbytes__fp4", WeightFormat.Fp4.Store(64, 64)[^1].Suffix);
    }

    [Fact]
    public void Bitsandbytes_int8_stores_an_i8_weight_and_an_fp32_scale_per_output_row()
    {
        var t = Layer(WeightFormat.Int8);
        Assert.Equal(("I8", 16_777_216L), (t["weight"].Dtype, t["weight"].Bytes));
        Assert.Equal("F32 [4096] 16384", D(t["SCB"])); // 4,096 × 4 B
        Assert.Equal(1, t["weight_format"].Bytes);                                   // a one-byte scalar
        Assert.Empty(t["weight_format"].Shape);
        Assert.Equal(16_777_216 + 16_384 + 1, WeightFormat.Int8.BytesFor(4096, 4096));
    }

    [Fact]
    public void Fp8_scales_per_tensor_per_row_or_per_128_by_128_block()
    {
        // 16,777,216 one-byte E4M3 values, plus:
        Assert.Equal(16_777_216 + 4, WeightFormat.Fp8PerTensor.BytesFor(4096, 4096));           // one FP32
        Assert.Equal(16_777_216 + 4096 * 4, WeightFormat.Fp8.BytesFor(4096, 4096));             // [4096, 1] FP32
        Assert.Equal(16_777_216 + 32 * 32 * 4, WeightFormat.Fp8Block.BytesFor(4096, 4096));     // [32, 32] FP32 = 4,096 B
        // DeepSeek-V3's expert-free MLP down projection [7168, 18432]: [56, 144] blocks; q_a [1536, 7168]: [12, 56].
        Assert.Equal([56L, 144], WeightFormat.Fp8Block.Store(7168, 18432).Single(x => x.Suffix == "weight_scale_inv").Shape);
        // A dimension that is not a multiple of 128 rounds up: kv_a [576, 7168] → [5, 56].
        Assert.Equal([5L, 56], WeightFormat.Fp8Block.Store(576, 7168).Single(x => x.Suffix == "weight_scale_inv").Shape);
        Assert.Equal("F8_E5M2", WeightFormat.Fp8E5M2.Store(16, 16)[0].Dtype);
        Assert.Equal("F8_E4M3", Layer(WeightFormat.Fp8)["weight"].Dtype);
    }

    [Fact]
    public void Mxfp4_stores_32_fp4_values_in_16_bytes_with_one_e8m0_scale_per_block()
    {
        var t = Layer(WeightFormat.Mxfp4);
        // blocks: U8 [4096, 4096 / 32 = 128, 16] = 8,388,608 B; scales: U8 [4096, 128] = 524,288 B; 4.25 bits.
        Assert.Equal("U8 [4096, 128, 16] 8388608", D(t["blocks"]));
        Assert.Equal("U8 [4096, 128] 524288", D(t["scales"]));
        Assert.Equal(4.25, WeightFormat.Mxfp4.BitsPerWeight(4096, 4096), 6);
        // gpt-oss-20b's stacked experts: gate_up [32, 5760, 2880] → blocks [32, 5760, 90, 16] = 265,420,800 B.
        var experts = WeightFormat.Mxfp4.Store(5760, 2880, stack: 32);
        Assert.Equal([32L, 5760, 90, 16], experts[0].Shape);
        Assert.Equal(265_420_800, experts[0].Bytes);
        Assert.Equal(16_588_800, experts[1].Bytes);
    }

    [Fact]
    public void A_stack_of_experts_stores_each_expert_s_tensors_behind_a_leading_dimension()
    {
        var one = WeightFormat.Gptq(4, 128).Store(1408, 2048);
        var stack = WeightFormat.Gptq(4, 128).Store(1408, 2048, stack: 60);
        Assert.Equal(one.Select(t => 60 * t.Bytes), stack.Select(t => t.Bytes));
        Assert.Equal([60L, 256, 1408], stack[0].Shape);
        Assert.Equal([60L], WeightFormat.Int8.Store(8, 8, stack: 60).Single(t => t.Suffix == "weight_format").Shape);
    }

    [Fact]
    public void Each_format_says_what_it_quantizes_and_the_width_of_the_rest()
    {
        // GPTQ/AWQ: the decoder's linear layers; embeddings, LM head and routers stay FP16.
        Assert.Equal(QuantizedTensors.Projections | QuantizedTensors.Experts, WeightFormat.Gptq(4).Quantizes(moe: true));
        Assert.Equal("F16", WeightFormat.Awq().KeepDtype);
        // bitsandbytes: every nn.Linear but lm_head, routers included; the rest in FP16 (transformers' default for it).
        Assert.Equal("F16", WeightFormat.Nf4.KeepDtype);
        Assert.Equal("BF16", new Bnb4BitFormat("nf4", doubleQuant: true, modelDtype: "bfloat16").KeepDtype);
        Assert.True(WeightFormat.Nf4.Quantizes(moe: true).HasFlag(QuantizedTensors.Routers));
        Assert.False(WeightFormat.Int8.Quantizes(moe: true).HasFlag(QuantizedTensors.Output));
        // FP8: linear layers only; MXFP4: the experts of a MoE model, the linear layers of a dense one.
        Assert.False(WeightFormat.Fp8Block.Quantizes(moe: true).HasFlag(QuantizedTensors.Routers));
        Assert.Equal(QuantizedTensors.Experts, WeightFormat.Mxfp4.Quantizes(moe: true));
        Assert.Equal(QuantizedTensors.Projections, WeightFormat.Mxfp4.Quantizes(moe: false));
        Assert.Equal(QuantizedTensors.None, WeightFormat.Bf16.Quantizes(moe: false));
        Assert.All(WeightFormat.All, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
        Assert.Equal(WeightFormat.All.Count, WeightFormat.All.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void Every_ggml_type_s_bytes_are_whole_blocks_with_its_scales()
    {
        // The ggml side of the catalog: 4096 × 4096 in each weight type llama.cpp writes.
        var expected = new Dictionary<string, long>
        {
            ["F32"] = N * 4, ["F16"] = N * 2, ["BF16"] = N * 2,
            ["Q8_0"] = N / 32 * 34, ["Q4_0"] = N / 32 * 18, ["Q4_1"] = N / 32 * 20, ["Q5_0"] = N / 32 * 22, ["Q5_1"] = N / 32 * 24,
            ["Q2_K"] = N / 256 * 84, ["Q3_K"] = N / 256 * 110, ["Q4_K"] = N / 256 * 144, ["Q5_K"] = N / 256 * 176, ["Q6_K"] = N / 256 * 210,
            ["IQ4_NL"] = N / 32 * 18, ["IQ4_XS"] = N / 256 * 136, ["IQ3_S"] = N / 256 * 110, ["IQ3_XXS"] = N / 256 * 98,
            ["IQ2_S"] = N / 256 * 82, ["IQ2_XS"] = N / 256 * 74, ["IQ2_XXS"] = N / 256 * 66, ["IQ1_M"] = N / 256 * 56, ["IQ1_S"] = N / 256 * 50,
            ["TQ1_0"] = N / 256 * 54, ["TQ2_0"] = N / 256 * 66, ["MXFP4"] = N / 32 * 17, ["NVFP4"] = N / 64 * 36, ["Q1_0"] = N / 128 * 18,
        };
        foreach (var (name, bytes) in expected)
            Assert.Equal(bytes, GgmlType.FromName(name)!.BytesFor(N));
        Assert.Equal(expected.Keys.Order(), GgmlType.All.Where(t => !t.RuntimeOnly && t.Name is not ("I8" or "I16" or "I32" or "I64" or "F64")).Select(t => t.Name).Order());
    }
}
