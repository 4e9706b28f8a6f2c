// Talking to the server: one request in flight per key (a newer one aborts the older), errors from problem+json.

const inFlight = new Map();

/** A failed request: the problem's detail (it names the parameter and what was expected) and its extensions. */
export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `request failed (${problem.status})`);
    this.problem = problem;
    this.status = problem.status;
    this.field = problem.field;
  }
}

export const isAbort = (error) => error?.name === 'AbortError';

/** A query string from an object; null, undefined and '' are left out, arrays repeat the name. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== null && v !== undefined && v !== '') q.append(key, String(v));
    }
  }
  return q.toString();
}

async function problemOf(response) {
  try {
    const body = await response.json();
    return { status: response.status, ...body };
  } catch {
    return { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  }
}

/** Fetches JSON under `key`, aborting the previous request under the same key; throws ApiError or an AbortError. */
export async function request(key, path, { params = {}, method = 'GET', body, headers } = {}) {
  inFlight.get(key)?.abort();
  const controller = new AbortController();
  inFlight.set(key, controller);
  try {
    const qs = query(params);
    const response = await fetch(qs ? `${path}?${qs}` : path, { method, body, headers, signal: controller.signal });
    if (!response.ok) throw new ApiError(await problemOf(response));
    return await response.json();
  } finally {
    if (inFlight.get(key) === controller) inFlight.delete(key);
  }
}

/** GET with a cache, for answers that do not change while the server runs (catalogs, inspections). */
const cache = new Map();
export function cached(path, params = {}) {
  const url = `${path}?${query(params)}`;
  if (!cache.has(url)) {
    const promise = request(`cache:${url}`, path, { params });
    promise.catch(() => cache.delete(url));
    cache.set(url, promise);
  }
  return cache.get(url);
}
