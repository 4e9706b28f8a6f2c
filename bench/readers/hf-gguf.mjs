// @huggingface/gguf on a local file: the header parsed (metadata, tensor infos) and the parameters counted.
import { gguf } from "@huggingface/gguf";

const { metadata, tensorInfos, parameterCount } = await gguf(process.argv[2], { allowLocalFile: true, computeParametersCount: true });
console.log(JSON.stringify({ architecture: metadata["general.architecture"], tensors: tensorInfos.length, parameters: parameterCount }));
