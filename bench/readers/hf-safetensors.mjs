// @huggingface/hub's parseSafetensorsMetadata on a local folder. The package reads only from the Hub (over HTTP range
// requests), so its fetch is answered here from the files: HEAD for "does it exist", GET with a Range for header bytes.
import { parseSafetensorsMetadata } from "@huggingface/hub";
import { openSync, readSync, closeSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
const hubUrl = "http://local.invalid";
async function localFetch(url, init = {}) {
    const path = join(folder, decodeURIComponent(new URL(url).pathname.replace(/^\/local\/model\/(resolve|raw)\/main\//, "")));
    if (!existsSync(path))
        return new Response(null, { status: 404, headers: { "X-Error-Code": "EntryNotFound" } });
    const size = statSync(path).size;
    const headers = { ETag: `"${size}"` };
    if ((init.method ?? "GET") === "HEAD")
        return new Response(null, { status: 200, headers });
    const range = /bytes=(\d+)-(\d*)/.exec(new Headers(init.headers).get("Range") ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = Math.min(range && range[2] ? Number(range[2]) : size - 1, size - 1);
    const body = Buffer.alloc(Math.max(0, end - start + 1));
    const fd = openSync(path, "r");
    readSync(fd, body, 0, body.length, start);
    closeSync(fd);
    return new Response(body, { status: range ? 206 : 200, headers: { ...headers, "Content-Range": `bytes ${start}-${end}/${size}` } });
}
const result = await parseSafetensorsMetadata({ repo: "local/model", hubUrl, fetch: localFetch, computeParametersCount: true });
console.log(JSON.stringify({ sharded: result.sharded, parameters: result.parameterTotal ?? Object.values(result.parameterCount).reduce((a, b) => a + b, 0) }));
