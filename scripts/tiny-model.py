# Writes a tiny llama-shaped model into the folder given: tiny.gguf (GGUF v3, F32) and tiny/ (config.json, model.safetensors in BF16),
# zero-filled, for comparing builds on real file inputs (scripts/aot-check.sh, scripts/tool-check.sh).
import json, os, struct, sys
os.makedirs(os.path.join(sys.argv[1], "tiny"), exist_ok=True); os.chdir(sys.argv[1])
V, H, L, NH, KV, F = 256, 64, 2, 4, 2, 128
HD = H // NH
def tensors(names):
    t = [(names['emb'], [V, H])]
    for i in range(L):
        for n, shape in [('q', [H, H]), ('k', [KV*HD, H]), ('v', [KV*HD, H]), ('o', [H, H]),
                         ('gate', [F, H]), ('up', [F, H]), ('down', [H, F]), ('n1', [H]), ('n2', [H])]:
            t.append((names[n].format(i), shape))
    t += [(names['norm'], [H]), (names['out'], [V, H])]
    return t
# --- GGUF: metadata, tensor infos (ggml dims are reversed: ne0 = row length), F32 data aligned to 32
gn = dict(emb='token_embd.weight', q='blk.{}.attn_q.weight', k='blk.{}.attn_k.weight', v='blk.{}.attn_v.weight',
          o='blk.{}.attn_output.weight', gate='blk.{}.ffn_gate.weight', up='blk.{}.ffn_up.weight', down='blk.{}.ffn_down.weight',
          n1='blk.{}.attn_norm.weight', n2='blk.{}.ffn_norm.weight', norm='output_norm.weight', out='output.weight')
def s(x): b = x.encode(); return struct.pack('<Q', len(b)) + b
kv = [('general.architecture', 8, s('llama')), ('general.name', 8, s('tiny-llama')),
      ('llama.context_length', 4, struct.pack('<I', 2048)), ('llama.embedding_length', 4, struct.pack('<I', H)),
      ('llama.block_count', 4, struct.pack('<I', L)), ('llama.feed_forward_length', 4, struct.pack('<I', F)),
      ('llama.attention.head_count', 4, struct.pack('<I', NH)), ('llama.attention.head_count_kv', 4, struct.pack('<I', KV)),
      ('llama.attention.layer_norm_rms_epsilon', 6, struct.pack('<f', 1e-5)), ('llama.rope.dimension_count', 4, struct.pack('<I', HD)),
      ('general.file_type', 4, struct.pack('<I', 0))]
ts = tensors(gn)
out = bytearray(b'GGUF' + struct.pack('<IQQ', 3, len(ts), len(kv)))
for k, t, v in kv: out += s(k) + struct.pack('<I', t) + v
off = 0; sizes = []
for n, shape in ts:
    dims = list(reversed(shape)); size = 4
    for d in dims: size *= d
    out += s(n) + struct.pack('<I', len(dims)) + b''.join(struct.pack('<Q', d) for d in dims) + struct.pack('<IQ', 0, off)
    sizes.append(size); off += (size + 31) // 32 * 32
out += b'\0' * ((-len(out)) % 32) + b'\0' * off
open('tiny.gguf', 'wb').write(out)
# --- safetensors + config.json (Hugging Face names, row-major shapes)
hn = dict(emb='model.embed_tokens.weight', q='model.layers.{}.self_attn.q_proj.weight', k='model.layers.{}.self_attn.k_proj.weight',
          v='model.layers.{}.self_attn.v_proj.weight', o='model.layers.{}.self_attn.o_proj.weight', gate='model.layers.{}.mlp.gate_proj.weight',
          up='model.layers.{}.mlp.up_proj.weight', down='model.layers.{}.mlp.down_proj.weight', n1='model.layers.{}.input_layernorm.weight',
          n2='model.layers.{}.post_attention_layernorm.weight', norm='model.norm.weight', out='lm_head.weight')
hdr = {'__metadata__': {'format': 'pt'}}; off = 0
for n, shape in tensors(hn):
    size = 2
    for d in shape: size *= d
    hdr[n] = {'dtype': 'BF16', 'shape': shape, 'data_offsets': [off, off + size]}; off += size
hj = json.dumps(hdr).encode(); hj += b' ' * ((-len(hj)) % 8)
open('tiny/model.safetensors', 'wb').write(struct.pack('<Q', len(hj)) + hj + b'\0' * off)
json.dump({'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'vocab_size': V, 'hidden_size': H, 'num_hidden_layers': L,
           'num_attention_heads': NH, 'num_key_value_heads': KV, 'intermediate_size': F, 'max_position_embeddings': 2048,
           'rms_norm_eps': 1e-5, 'tie_word_embeddings': False, 'hidden_act': 'silu', 'torch_dtype': 'bfloat16', 'rope_theta': 500000.0},
          open('tiny/config.json', 'w'))
