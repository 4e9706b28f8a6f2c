using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// llama.cpp's recurrent-state cache for the recurrent layers of a hybrid model (src/llama-memory-recurrent.cpp, created by
/// <c>llama_model::create_memory</c> beside the attention layers' KV cache in a <c>llama_memory_hybrid</c>): per recurrent layer an
/// F32 tensor <c>r</c> of <c>n_embd_r</c> values (the convolution state: kernel − 1 inputs per channel) and an F32 tensor
/// <c>s</c> of <c>n_embd_s</c> values (the state matrix: d_state × d_inner; 0 for LFM2's short convolutions) per row, with
/// <c>max(1, n_seq_max)</c> rows — one per sequence, whatever the context length (llama-hparams.cpp <c>n_embd_r</c>/<c>n_embd_s</c>).
/// The rows grow by a factor of 1 + <c>n_rs_seq</c> only when speculative decoding asks for rollback snapshots (off by default).
/// Like the KV cache, each layer's tensors live on the device of the layer; the buffer is logged as <c>RS buffer size</c>.
/// </summary>
internal static class LlamaCppRecurrentState
{
    /// <summary>One RS buffer: its device, bytes and the formula with numbers.</summary>
    public sealed record Buffer(string Device, long Bytes, int Layers, string Formula, IReadOnlyList<EstimateInput> Inputs);

    public static IReadOnlyList<Buffer> Place(ModelSpec spec, LlamaCppSettings settings)
    {
        if (spec.Recurrent is not { } r)
            return [];
        int gpuStart = settings.GpuStart(spec.Layers);
        long rows = Math.Max(1, settings.Sequences);
        long convValues = r.ConvStateValues(spec.HiddenSize), stateValues = r.SsmStateValues;
        var recurrent = Enumerable.Range(0, spec.Layers).Where(l => r.MixerAt(l) == LayerMixer.Recurrent).ToList();
        var buffers = new List<Buffer>();
        foreach (var (device, layers) in new[] { ("CPU", recurrent.Count(l => l < gpuStart)), ("GPU", recurrent.Count(l => l >= gpuStart)) })
        {
            if (layers == 0)
                continue;
            // ggml pads each tensor to the buffer's alignment (32 bytes on the CPU, 128 with CUDA).
            int alignment = device == "CPU" ? 32 : 128;
            long bytes = checked((Pad(4 * convValues * rows, alignment) + Pad(4 * stateValues * rows, alignment)) * layers);
            string formula = $"{layers} recurrent layers × {rows} row{(rows == 1 ? "" : "s")} (one per sequence) × " +
                             $"(r: 4 B × {convValues} conv-state values + s: 4 B × {stateValues} state values) = {bytes:N0} bytes";
            buffers.Add(new Buffer(device, bytes, layers, formula,
            [
                new("recurrent layers", $"{layers}"),
                new("rows", $"{rows} = max(1, n_seq_max); context length does not matter"),
                new("r (n_embd_r)", $"{convValues} = (conv kernel {r.ConvKernel} − 1) × {r.ConvChannels(spec.HiddenSize)} channels, F32"),
                new("s (n_embd_s)", r.Kind == RecurrentKind.ShortConv ? "0 (a short convolution keeps no state matrix)"
                    : $"{stateValues} = state {r.StateSize} × inner {r.InnerSize}, F32"),
            ]));
        }
        return buffers;
    }

    private static long Pad(long bytes, int alignment) => (bytes + alignment - 1) / alignment * alignment;
}
