using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

/// <summary>
/// Packed quantized checkpoints count the logical parameters they hold; their scales, zero points and maps are stored
/// bytes with no parameters. Shapes follow what each library writes (AutoGPTQ, AutoAWQ, bitsandbytes, DeepSeek-V3's
/// FP8, gpt-oss's MXFP4, compressed-tensors).
/// </summary>
public class PackedQuantizationTests : IDisposable
{
    private const long Square4096 = 4096L * 4096;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A valid Llama config.json carrying <paramref name="quantizationConfig"/>.</summary>
    private void WriteConfig(string? quantizationConfig) => dir.Write("config.json", $$"""
        {"model_type": "llama", "vocab_size": 32000, "hidden_size": 4096, "num_hidden_layers": 1, "num_attention_heads": 32,
         "intermediate_size": 11008{{(quantizationConfig is null ? "" : $", \"quantization_config\": {quantizationConfig}")}}}
        """);

    private SafetensorsModel Open(SafetensorsWriter writer)
    {
        writer.Write(Path.Combine(dir.Path, "model.safetensors"));
        return SafetensorsModel.Open(dir.Path);
    }

    private static TensorInfo Tensor(SafetensorsModel model, string name) => model.Inventory.Tensors.Single(t => t.Name == name);

    private static void AssertMetadata(SafetensorsModel model, params string[] names)
    {
        foreach (string name in names)
        {
            var t = Tensor(model, name);
            Assert.Equal(TensorRole.QuantizationMetadata, t.Role);
            Assert.Equal(0, t.Parameters);
            Assert.True(t.Bytes > 0, name);
        }
    }

    [Fact]
    public void A_gptq_4_bit_layer_counts_eight_weights_per_int32_and_its_scales_as_bytes_only()
    {
        WriteConfig("""{"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": false}""");
        const string p = "model.layers.0.self_attn.q_proj.";
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", 512, 4096)
            .Add(p + "qzeros", "I32", 32, 512)
            .Add(p + "scales", "F16", 32, 4096)
            .Add(p + "g_idx", "I32", 4096));

        var qweight = Tensor(model, p + "qweight");
        Assert.Equal((16_777_216L, 8_388_608L, "GPTQ_INT4", TensorRole.Weight), (qweight.Parameters, qweight.Bytes, qweight.Type, qweight.Role));
        Assert.Equal(ParameterCategory.Attention, qweight.Category);
        AssertMetadata(model, p + "qzeros", p + "scales", p + "g_idx");
        Assert.Equal([65_536L, 262_144L, 16_384L], new[] { "qzeros", "scales", "g_idx" }.Select(s => Tensor(model, p + s).Bytes));
        Assert.Equal(16_777_216, model.Inventory.Parameters);
        Assert.Equal(8_732_672, model.Inventory.Bytes);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Gptq, "gptq", 4, 128, null, "config.json"), model.Quantization);
        Assert.Empty(model.Notes);
    }

    [Theory]
    [InlineData(8, 1024)]
    [InlineData(3, 384)]
    [InlineData(2, 256)]
    public void Gptq_at_other_bit_widths_holds_32_over_bits_weights_per_int32(int bits, long rows)
    {
        WriteConfig($$"""{"quant_method": "gptq", "bits": {{bits}}, "group_size": 128}""");
        const string p = "model.layers.0.mlp.up_proj.";
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", rows, 4096)
            .Add(p + "qzeros", "I32", 32, 4096 * bits / 32)
            .Add(p + "scales", "F16", 32, 4096)
            .Add(p + "g_idx", "I32", 4096));

        Assert.Equal(Square4096, Tensor(model, p + "qweight").Parameters);
        Assert.Equal($"GPTQ_INT{bits}", Tensor(model, p + "qweight").Type);
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void Autogptq_quantize_config_json_beside_the_weights_states_the_bits()
    {
        dir.Write("quantize_config.json", """{"bits": 8, "group_size": -1, "desc_act": false, "sym": true}""");
        const string p = "model.layers.0.mlp.down_proj.";
        // No g_idx and a single group: the shapes cannot tell the bits, so the side file does.
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", 2752, 4096)
            .Add(p + "qzeros", "I32", 1, 1024)
            .Add(p + "scales", "F16", 1, 4096));

        Assert.Equal(11008L * 4096, Tensor(model, p + "qweight").Parameters);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Gptq, "gptq", 8, -1, null, "quantize_config.json"), model.Quantization);
    }

    [Fact]
    public void Gptq_bits_stated_nowhere_and_not_readable_from_shapes_default_to_4_with_a_note()
    {
        var model = Open(new SafetensorsWriter().Add("model.layers.0.mlp.down_proj.qweight", "I32", 1376, 4096));

        Assert.Equal(11008L * 4096, Tensor(model, "model.layers.0.mlp.down_proj.qweight").Parameters);
        Assert.Equal(
        [
            "quantization recognised from tensor names as awq (no quantization_config beside the weights)",
            "1 packed qweight tensor: bits stated nowhere and not readable from the shapes; assumed 4, the usual GPTQ/AWQ setting",
        ], model.Notes);
    }

    [Fact]
    public void Gptq_without_a_config_is_recognised_from_its_tensors_and_its_bits_read_from_the_shapes()
    {
        const string p = "model.layers.0.self_attn.o_proj.";
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", 1024, 4096)
            .Add(p + "qzeros", "I32", 32, 1024)
            .Add(p + "scales", "F16", 32, 4096)
            .Add(p + "g_idx", "I32", 4096));

        Assert.Equal(Square4096, Tensor(model, p + "qweight").Parameters);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Gptq, "gptq", 8, null, null, "tensor names"), model.Quantization);
        Assert.Equal(["quantization recognised from tensor names as gptq (no quantization_config beside the weights)"], model.Notes);
    }

    [Fact]
    public void Shapes_that_contradict_the_stated_bits_win_and_the_disagreement_is_noted()
    {
        WriteConfig("""{"quant_method": "gptq", "bits": 8, "group_size": 128}""");
        const string p = "model.layers.0.self_attn.q_proj.";
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", 512, 4096)
            .Add(p + "scales", "F16", 32, 4096)
            .Add(p + "g_idx", "I32", 4096));

        Assert.Equal(Square4096, Tensor(model, p + "qweight").Parameters);
        Assert.Equal(["1 packed qweight tensor holds 4-bit values by its shape, though config.json says 8; counted by its shape"], model.Notes);
    }

    [Fact]
    public void An_awq_layer_packs_along_the_output_dimension_and_counts_the_same_logical_weights()
    {
        WriteConfig("""{"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm", "zero_point": true}""");
        const string p = "model.layers.0.mlp.gate_proj.";
        var model = Open(new SafetensorsWriter()
            .Add(p + "qweight", "I32", 4096, 1376)
            .Add(p + "qzeros", "I32", 32, 1376)
            .Add(p + "scales", "F16", 32, 11008));

        var qweight = Tensor(model, p + "qweight");
        Assert.Equal((4096L * 11008, 4096L * 1376 * 4, "AWQ_INT4"), (qweight.Parameters, qweight.Bytes, qweight.Type));
        AssertMetadata(model, p + "qzeros", p + "scales");
        Assert.Equal(4096L * 1376 * 4 + 32 * 1376 * 4 + 32 * 11008 * 2, model.Inventory.Bytes);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Awq, "awq", 4, 128, "gemm", "config.json"), model.Quantization);
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void Autoawq_quant_config_json_is_read_when_config_json_states_nothing()
    {
        WriteConfig(null);
        dir.Write("quant_config.json", """{"zero_point": true, "q_group_size": 128, "w_bit": 4, "version": "GEMM"}""");
        var model = Open(new SafetensorsWriter().Add("model.layers.0.mlp.gate_proj.qweight", "I32", 4096, 1376));

        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Awq, "awq", 4, 128, "gemm", "quant_config.json"), model.Quantization);
        Assert.Equal(4096L * 11008, model.Inventory.Parameters);
    }

    [Fact]
    public void A_bitsandbytes_nf4_weight_holds_two_values_per_byte_and_its_quant_state_is_metadata()
    {
        WriteConfig("""
            {"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": true,
             "bnb_4bit_compute_dtype": "bfloat16"}
            """);
        const string w = "model.layers.0.self_attn.q_proj.weight";
        var model = Open(new SafetensorsWriter()
            .Add("model.embed_tokens.weight", "BF16", 32000, 4096)
            .Add(w, "U8", Square4096 / 2, 1)
            .Add(w + ".absmax", "U8", Square4096 / 64)
            .Add(w + ".nested_absmax", "F32", Square4096 / 64 / 256)
            .Add(w + ".nested_quant_map", "F32", 256)
            .Add(w + ".quant_map", "F32", 16)
            .Add(w + ".quant_state.bitsandbytes__nf4", "U8", 120));

        var weight = Tensor(model, w);
        Assert.Equal((Square4096, Square4096 / 2, "BNB_NF4", ParameterCategory.Attention), (weight.Parameters, weight.Bytes, weight.Type, weight.Category));
        AssertMetadata(model, w + ".absmax", w + ".nested_absmax", w + ".nested_quant_map", w + ".quant_map", w + ".quant_state.bitsandbytes__nf4");
        Assert.Equal(32000L * 4096 + Square4096, model.Inventory.Parameters);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.BitsAndBytes4Bit, "bitsandbytes", 4, null, "nf4", "config.json"), model.Quantization);
        Assert.Equal([(Square4096, Square4096 / 2)], model.Inventory.ParametersByType.Where(x => x.Type == "BNB_NF4").Select(x => (x.Parameters, x.Bytes)));
    }

    [Fact]
    public void Bitsandbytes_4_bit_in_bf16_storage_holds_four_values_per_element()
    {
        const string w = "model.layers.0.mlp.up_proj.weight";
        var model = Open(new SafetensorsWriter()
            .Add(w, "BF16", Square4096 / 4, 1)
            .Add(w + ".absmax", "F32", Square4096 / 64)
            .Add(w + ".quant_map", "F32", 16)
            .Add(w + ".quant_state.bitsandbytes__fp4", "U8", 100));

        Assert.Equal((Square4096, "BNB_FP4"), (Tensor(model, w).Parameters, Tensor(model, w).Type));
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.BitsAndBytes4Bit, "bitsandbytes", 4, null, "fp4", "tensor names"), model.Quantization);
    }

    [Fact]
    public void A_bitsandbytes_8_bit_weight_counts_as_stored_and_its_row_scales_are_metadata()
    {
        WriteConfig("""{"quant_method": "bitsandbytes", "load_in_8bit": true, "llm_int8_threshold": 6.0}""");
        const string m = "model.layers.0.mlp.down_proj";
        var model = Open(new SafetensorsWriter()
            .Add(m + ".weight", "I8", 4096, 11008)
            .Add(m + ".SCB", "F32", 4096)
            .Add(m + ".weight_format", "U8"));

        Assert.Equal((4096L * 11008, "I8"), (Tensor(model, m + ".weight").Parameters, Tensor(model, m + ".weight").Type));
        AssertMetadata(model, m + ".SCB", m + ".weight_format");
        Assert.Equal(QuantizationMethod.BitsAndBytes8Bit, model.Quantization!.Method);
    }

    [Fact]
    public void Deepseek_style_fp8_weights_count_as_stored_and_their_block_scales_are_metadata()
    {
        WriteConfig("""{"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic", "weight_block_size": [128, 128]}""");
        const string m = "model.layers.3.mlp.experts.17.gate_proj";
        var model = Open(new SafetensorsWriter()
            .Add(m + ".weight", "F8_E4M3", 2048, 7168)
            .Add(m + ".weight_scale_inv", "F32", 16, 56)
            .Add("model.layers.3.input_layernorm.weight", "BF16", 7168));

        Assert.Equal((2048L * 7168, 2048L * 7168, "F8_E4M3"), (Tensor(model, m + ".weight").Parameters, Tensor(model, m + ".weight").Bytes, Tensor(model, m + ".weight").Type));
        AssertMetadata(model, m + ".weight_scale_inv");
        Assert.Equal(2048L * 7168 + 7168, model.Inventory.Parameters);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Fp8, "fp8", 8, null, "e4m3", "config.json"), model.Quantization);
    }

    [Fact]
    public void Per_tensor_fp8_scales_and_kv_cache_scales_are_metadata()
    {
        const string a = "model.layers.0.self_attn";
        var model = Open(new SafetensorsWriter()
            .Add(a + ".q_proj.weight", "F8_E4M3", 4096, 4096)
            .Add(a + ".q_proj.weight_scale", "F32")
            .Add(a + ".q_proj.input_scale", "F32")
            .Add(a + ".k_scale", "F32")
            .Add(a + ".v_scale", "F32"));

        Assert.Equal(Square4096, model.Inventory.Parameters);
        AssertMetadata(model, a + ".q_proj.weight_scale", a + ".q_proj.input_scale", a + ".k_scale", a + ".v_scale");
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Fp8, "fp8", 8, null, "e4m3", "tensor names"), model.Quantization);
    }

    [Fact]
    public void Mxfp4_blocks_hold_two_fp4_values_per_byte_and_one_scale_byte_per_32_values()
    {
        WriteConfig("""{"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.self_attn", "model.embed_tokens", "lm_head"]}""");
        const string e = "model.layers.0.mlp.experts.";
        var model = Open(new SafetensorsWriter()
            .Add(e + "gate_up_proj_blocks", "U8", 32, 5760, 90, 16)
            .Add(e + "gate_up_proj_scales", "U8", 32, 5760, 90)
            .Add(e + "gate_up_proj_bias", "BF16", 32, 5760)
            .Add(e + "down_proj_blocks", "U8", 32, 2880, 90, 16)
            .Add(e + "down_proj_scales", "U8", 32, 2880, 90));

        var gateUp = Tensor(model, e + "gate_up_proj_blocks");
        Assert.Equal((32L * 5760 * 2880, 32L * 5760 * 90 * 16, "MXFP4", ParameterCategory.Mlp), (gateUp.Parameters, gateUp.Bytes, gateUp.Type, gateUp.Category));
        Assert.Equal(32L * 2880 * 2880, Tensor(model, e + "down_proj_blocks").Parameters);
        AssertMetadata(model, e + "gate_up_proj_scales", e + "down_proj_scales");
        Assert.Equal(32L * 5760 * 2880 / 32, Tensor(model, e + "gate_up_proj_scales").Bytes);
        Assert.Equal(32L * 5760, Tensor(model, e + "gate_up_proj_bias").Parameters);
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.Mxfp4, "mxfp4", 4, 32, null, "config.json"), model.Quantization);
        // 4.25 bits per MXFP4 weight: 4 for the value, 8 bits of scale shared by 32.
        var mx = model.Inventory.ParametersByType.Single(x => x.Type == "MXFP4");
        long scaleBytes = Tensor(model, e + "gate_up_proj_scales").Bytes + Tensor(model, e + "down_proj_scales").Bytes;
        Assert.Equal(4.0, 8.0 * mx.Bytes / mx.Parameters);
        Assert.Equal(4.25, 8.0 * (mx.Bytes + scaleBytes) / mx.Parameters);
    }

    [Fact]
    public void Compressed_tensors_pack_quantized_int4_counts_eight_values_per_int32()
    {
        WriteConfig("""
            {"quant_method": "compressed-tensors", "format": "pack-quantized", "quantization_status": "compressed",
             "config_groups": {"group_0": {"targets": ["Linear"], "weights": {"num_bits": 4, "type": "int", "symmetric": true,
             "group_size": 128, "strategy": "group"}}}}
            """);
        const string m = "model.layers.0.mlp.down_proj";
        var model = Open(new SafetensorsWriter()
            .Add(m + ".weight_packed", "I32", 4096, 1376)
            .Add(m + ".weight_scale", "BF16", 4096, 86)
            .Add(m + ".weight_shape", "I64", 2));

        Assert.Equal((4096L * 11008, "INT4"), (Tensor(model, m + ".weight_packed").Parameters, Tensor(model, m + ".weight_packed").Type));
        AssertMetadata(model, m + ".weight_scale", m + ".weight_shape");
        Assert.Equal(new SafetensorsQuantization(QuantizationMethod.CompressedTensors, "compressed-tensors", 4, 128, "pack-quantized", "config.json"), model.Quantization);
    }

    [Fact]
    public void Compressed_tensors_nvfp4_packs_two_values_per_byte()
    {
        WriteConfig("""
            {"quant_method": "compressed-tensors", "format": "nvfp4-pack-quantized",
             "config_groups": {"group_0": {"targets": ["Linear"], "weights": {"num_bits": 4, "type": "float", "group_size": 16}}}}
            """);
        const string m = "model.layers.0.self_attn.o_proj";
        var model = Open(new SafetensorsWriter()
            .Add(m + ".weight_packed", "U8", 4096, 2048)
            .Add(m + ".weight_scale", "F8_E4M3", 4096, 256)
            .Add(m + ".weight_global_scale", "F32", 1)
            .Add(m + ".input_global_scale", "F32", 1));

        Assert.Equal((Square4096, "NVFP4"), (Tensor(model, m + ".weight_packed").Parameters, Tensor(model, m + ".weight_packed").Type));
        AssertMetadata(model, m + ".weight_scale", m + ".weight_global_scale", m + ".input_global_scale");
    }

    [Fact]
    public void A_stated_method_with_no_tensor_in_its_packing_is_a_note_and_tensors_count_as_stored()
    {
        WriteConfig("""{"quant_method": "gptq", "bits": 4}""");
        var model = Open(new SafetensorsWriter().Add("model.layers.0.mlp.up_proj.weight", "F16", 11008, 4096));

        Assert.Equal(11008L * 4096, model.Inventory.Parameters);
        Assert.Equal(["config.json says gptq, but no tensor is stored in that packing; tensors are counted as stored"], model.Notes);
    }

    [Fact]
    public void A_method_the_reader_does_not_unpack_is_a_note()
    {
        WriteConfig("""{"quant_method": "hqq", "nbits": 4}""");
        var model = Open(new SafetensorsWriter().Add("model.layers.0.mlp.up_proj.W_q", "U8", 100, 4));

        Assert.Equal(QuantizationMethod.Other, model.Quantization!.Method);
        Assert.Equal(["config.json names quantization method 'hqq', which this reader does not unpack; tensors are counted as stored"], model.Notes);
        Assert.Equal(400, model.Inventory.Parameters);
    }

    [Fact]
    public void A_parameter_merely_named_like_quantization_metadata_stays_a_parameter()
    {
        var model = Open(new SafetensorsWriter()
            .Add("model.layers.0.attn.scales", "F32", 8)
            .Add("model.layers.0.attn.k_scale", "F32", 8)
            .Add("model.layers.0.mlp.gate_scales", "F32", 8));

        Assert.All(model.Inventory.Tensors, t => Assert.Equal((TensorRole.Weight, 8L), (t.Role, t.Parameters)));
        Assert.Null(model.Quantization);
    }

    [Fact]
    public void A_broken_quantization_side_file_is_a_note_not_an_error()
    {
        dir.Write("config.json", "{ not json");
        dir.Write("quantize_config.json", """{"bits": "four", "group_size": 128}""");
        const string p = "model.layers.0.mlp.up_proj.";
        var model = Open(new SafetensorsWriter().Add(p + "qweight", "I32", 512, 11008));

        Assert.Equal(4, model.Notes.Count);
        Assert.Equal("config.json is not valid JSON; not used for quantization settings", model.Notes[0]);
        Assert.Equal("quantize_config.json: bits is not an integer; ignored", model.Notes[1]);
        Assert.StartsWith("config.json beside the weights was not used for the architecture: ", model.Notes[2]);
        Assert.Equal("1 packed qweight tensor: bits stated nowhere and not readable from the shapes; assumed 4, the usual GPTQ/AWQ setting", model.Notes[3]);
        Assert.Equal(4096L * 11008, model.Inventory.Parameters);
    }
}
