// node-llama-cpp's GGUF reader (readGgufFileInfo): the header parsed in JavaScript, no model loaded.
import { readGgufFileInfo } from "node-llama-cpp";

const info = await readGgufFileInfo(process.argv[2], { sourceType: "filesystem", logWarnings: false });
console.log(JSON.stringify({ architecture: info.metadata.general.architecture, tensors: info.fullTensorInfo.length }));
