namespace LlmSizer.Formats.Safetensors;

/// <summary>How a safetensors checkpoint stores quantized weights; each maps packed storage back to logical parameters differently.</summary>
public enum QuantizationMethod
{
    /// <summary>GPTQ (AutoGPTQ, GPTQModel): <c>qweight</c> int32 packs 32/bits values along the input dimension; <c>qzeros</c>, <c>scales</c>, <c>g_idx</c> beside it.</summary>
    Gptq,
    /// <summary>AWQ (AutoAWQ): <c>qweight</c> int32 packs 32/bits values along the output dimension; <c>qzeros</c>, <c>scales</c> beside it.</summary>
    Awq,
    /// <summary>bitsandbytes 4-bit (NF4 or FP4): the weight is a flat column of bytes holding two values each, with <c>absmax</c> and <c>quant_map</c>.</summary>
    BitsAndBytes4Bit,
    /// <summary>bitsandbytes LLM.int8(): an I8 weight with a per-row scale <c>SCB</c>.</summary>
    BitsAndBytes8Bit,
    /// <summary>8-bit floats (DeepSeek-V3, fbgemm_fp8): F8 weights with <c>weight_scale_inv</c> or <c>weight_scale</c>.</summary>
    Fp8,
    /// <summary>OCP MXFP4 (gpt-oss): <c>*_blocks</c> bytes hold two FP4 values each, <c>*_scales</c> one E8M0 scale per 32 values.</summary>
    Mxfp4,
    /// <summary>compressed-tensors (llm-compressor): <c>weight_packed</c> int32 packs 32/bits integers (or bytes pack two FP4 values), with <c>weight_scale</c> and friends.</summary>
    CompressedTensors,
    /// <summary>A method named in the config that the reader does not unpack; tensors are counted as stored.</summary>
    Other,
}
