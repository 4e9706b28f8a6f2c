// Turns hyperfine's JSON exports into one markdown table: each command's median wall time, range and CPU time (user +
// system, mean), and how many times faster each llmsizer build (the commands named "llmsizer …") is than each other
// reader, by median wall time and, in brackets, by CPU time (steadier when other jobs share the cores).
// Usage: node summarize.mjs "LABEL=results.json" ["LABEL=results.json" ...]
import { readFileSync } from "node:fs";

const ms = (seconds) => (seconds * 1000).toFixed(seconds < 0.1 ? 1 : 0);
const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const times = (other, ours) => other >= ours ? `${(other / ours).toFixed(1)}× faster` : `${(ours / other).toFixed(1)}× slower`;
const ratio = (other, ours) => `${times(other.median, ours.median)} (CPU ${times(other.cpu, ours.cpu).replace(/ faster$/, "")})`;

const tables = process.argv.slice(2).map((argument) => {
    const at = argument.lastIndexOf("=");
    const results = JSON.parse(readFileSync(argument.slice(at + 1), "utf8")).results
        .map((r) => ({ name: r.command, median: median(r.times), min: r.min, max: r.max, cpu: r.user + r.system, runs: r.times.length }));
    return { file: argument.slice(0, at), results };
});
// One ratio column per llmsizer build, named after it: "llmsizer (Native AOT) is".
const builds = [...new Set(tables.flatMap((t) => t.results.map((r) => /^llmsizer .*\((.+)\)$/.exec(r.name)?.[1]).filter(Boolean)))];

console.log(`| File | Reader | Median (ms) | Min–max (ms) | CPU (ms) | Runs | ${builds.map((b) => `llmsizer (${b}) is`).join(" | ")} |`);
console.log(`|---|---|---:|---:|---:|---:|${builds.map(() => "---|").join("")}`);
for (const { file, results } of tables) {
    for (const r of results) {
        const cells = builds.map((b) => {
            const ours = results.find((o) => o.name.endsWith(`(${b})`));
            return !ours || r.name.startsWith("llmsizer ") ? "" : ratio(r, ours);
        });
        console.log(`| ${file} | ${r.name} | ${ms(r.median)} | ${ms(r.min)}–${ms(r.max)} | ${ms(r.cpu)} | ${r.runs} | ${cells.join(" | ")} |`);
    }
}
console.log();
for (const { file, results } of tables) {
    const ours = results.find((r) => r.name.startsWith("llmsizer "));
    for (const r of results.filter((o) => !o.name.startsWith("llmsizer ")))
        console.log(`- ${file}: ${ours.name.replace(/ inspect --json/, "")} is ${ratio(r, ours)} than ${r.name}.`);
}
