// Runs a view's update shortly after its controls stop moving, and tells it whether a result is still the latest.
// While any update is waiting or running, <body data-busy> is set (screen readers get aria-busy per view; scripts and
// the browser tests wait on this).

const DELAY_MS = 30;
let pending = 0;

function mark(delta) {
  pending += delta;
  document.body.toggleAttribute('data-busy', pending > 0);
}

/** Marks the page busy until `promise` settles; returns it. */
export function tracked(promise) {
  mark(1);
  promise.finally(() => mark(-1)).catch(() => {});
  return promise;
}

/** Returns trigger(): each call restarts a short timer; `run(isCurrent)` then runs, and isCurrent() stays true until the next run. */
export function debounced(run) {
  let timer = 0;
  let generation = 0;
  let busy = false;
  const setBusy = (value) => {
    if (value !== busy) {
      busy = value;
      mark(value ? 1 : -1);
    }
  };
  return () => {
    setBusy(true);
    clearTimeout(timer);
    timer = setTimeout(async () => {
      timer = 0;
      const mine = ++generation;
      try {
        await run(() => mine === generation);
      } finally {
        if (mine === generation && timer === 0) setBusy(false);
      }
    }, DELAY_MS);
  };
}
