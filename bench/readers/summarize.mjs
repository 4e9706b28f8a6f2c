// Turns hyperfine's JSON exports into one markdown table: median and spread of each command, and how many times
// faster the first command of each file (llmsizer) is than each of the others.
// Usage: node summarize.mjs LABEL=results.json [LABEL=results.json ...]
import { readFileSync } from "node:fs";

const ms = (seconds) => (seconds * 1000).toFixed(seconds < 0.1 ? 1 : 0);
const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log("| File | Reader | Median (ms) | Min–max (ms) | Runs | First row is |");
console.log("|---|---|---:|---:|---:|---|");
for (const argument of process.argv.slice(2)) {
    const [file, path] = argument.split("=");
    const { results } = JSON.parse(readFileSync(path, "utf8"));
    const reference = median(results[0].times);
    for (const r of results) {
        const m = median(r.times);
        const ratio = r === results[0] ? "—" : `${(m / reference).toFixed(1)}× faster`;
        console.log(`| ${file} | ${r.command} | ${ms(m)} | ${ms(r.min)}–${ms(r.max)} | ${r.times.length} | ${ratio} |`);
    }
}
