// Number formats shared by every view. Bytes are always labelled: GiB = 2^30, GB = 10^9, never one called the other.
// en-US everywhere so a number reads the same on every machine (and the browser tests can compare it exactly).

export const GIB = 2 ** 30;
export const GB = 1e9;

const fixed = (digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const f0 = fixed(0), f1 = fixed(1), f2 = fixed(2);

/** "14.96 GiB": bytes in GiB, two decimals. */
export const gib = (bytes) => `${f2.format(bytes / GIB)} GiB`;

/** "16.06 GB": bytes in GB, two decimals. */
export const gb = (bytes) => `${f2.format(bytes / GB)} GB`;

/** "8,192": an integer with thousands separators. */
export const int = (n) => f0.format(n);

/** "8.03B", "350M": a parameter count. */
export function params(n) {
  if (n >= 1e12) return `${f2.format(n / 1e12)}T`;
  if (n >= 1e9) return `${f2.format(n / 1e9)}B`;
  if (n >= 1e6) return `${f0.format(n / 1e6)}M`;
  return int(n);
}

/** Tokens per second: no decimals from 100 up, one below. */
export const rate = (x) => (x >= 100 ? f0 : f1).format(x);

/** "85 ms", "5.7 s", "3.2 min", "2.1 h". */
export function duration(seconds) {
  if (seconds < 1) return `${f0.format(seconds * 1000)} ms`;
  if (seconds < 60) return `${f1.format(seconds)} s`;
  if (seconds < 3600) return `${f1.format(seconds / 60)} min`;
  return `${f1.format(seconds / 3600)} h`;
}

/** "8K", "128K", "1,536": a context length, short where it is a whole number of K (1,024 tokens). */
export const tokensShort = (n) => (n >= 1024 && n % 1024 === 0 ? `${int(n / 1024)}K` : int(n));

/** "40.00%". */
export const percent = (p) => `${f2.format(p * 100)}%`;

export const decimal = (x, digits) => fixed(digits).format(x);
