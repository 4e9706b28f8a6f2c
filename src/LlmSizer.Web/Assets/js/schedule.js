// Runs a view's update shortly after its controls stop moving, and tells it whether a result is still the latest.

const DELAY_MS = 35;

/** Returns trigger(): each call restarts a short timer; `run(isCurrent)` then runs, and isCurrent() stays true until the next run. */
export function debounced(run) {
  let timer = 0;
  let generation = 0;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const mine = ++generation;
      run(() => mine === generation);
    }, DELAY_MS);
  };
}
