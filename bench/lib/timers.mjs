/**
 * A census of what a page still has scheduled: setTimeout, setInterval and
 * requestAnimationFrame are wrapped before the page's own scripts run (Playwright's
 * addInitScript), so the soak suite can ask which timers are alive before a call, during
 * it and after hang-up, and where each was scheduled from.
 *
 * `installTimerTracker` is serialized into the page, so it must not reference anything
 * outside its own body. It runs in Node too (the unit test hands it a scope of its own).
 */
export function installTimerTracker(scope = globalThis) {
  if (scope.__benchTimers) return;
  const native = {
    setTimeout: scope.setTimeout.bind(scope),
    clearTimeout: scope.clearTimeout.bind(scope),
    setInterval: scope.setInterval.bind(scope),
    clearInterval: scope.clearInterval.bind(scope),
    requestAnimationFrame: scope.requestAnimationFrame?.bind(scope),
    cancelAnimationFrame: scope.cancelAnimationFrame?.bind(scope),
  };
  /** Keyed by kind and id: timeouts and intervals share one id space, frames have their own. */
  const live = new Map();
  let nextChain = 1;
  /**
   * A timeout or frame scheduled from inside another's callback continues that one's chain
   * (a polling loop, a rAF loop), so a loop started before a mark still counts as older.
   */
  let runningChain = null;

  const origin = () =>
    String(new Error().stack ?? '')
      .split('\n')
      .slice(4, 8)
      .map((line) => line.trim())
      .join(' < ');

  const track = (key, kind, delay) => {
    const chain = runningChain ?? nextChain++;
    live.set(key, { kind, delay, chain, origin: origin() });
    return chain;
  };

  const runAs = (chain, callback, self, args) => {
    const outer = runningChain;
    runningChain = chain;
    try {
      return callback.apply(self, args);
    } finally {
      runningChain = outer;
    }
  };

  scope.setTimeout = function setTimeout(handler, delay, ...args) {
    if (typeof handler !== 'function') return native.setTimeout(handler, delay, ...args);
    let chain = 0;
    const id = native.setTimeout(
      function run(...runArgs) {
        live.delete(`timer:${id}`);
        return runAs(chain, handler, this, runArgs);
      },
      delay,
      ...args,
    );
    chain = track(`timer:${id}`, 'timeout', Number(delay) || 0);
    return id;
  };
  scope.setInterval = function setInterval(handler, delay, ...args) {
    if (typeof handler !== 'function') return native.setInterval(handler, delay, ...args);
    let chain = 0;
    const id = native.setInterval(
      function run(...runArgs) {
        return runAs(chain, handler, this, runArgs);
      },
      delay,
      ...args,
    );
    chain = track(`timer:${id}`, 'interval', Number(delay) || 0);
    return id;
  };
  // Either clear function clears either kind (HTML's timer list is shared).
  scope.clearTimeout = function clearTimeout(id) {
    live.delete(`timer:${id}`);
    native.clearTimeout(id);
  };
  scope.clearInterval = function clearInterval(id) {
    live.delete(`timer:${id}`);
    native.clearInterval(id);
  };
  if (native.requestAnimationFrame) {
    scope.requestAnimationFrame = function requestAnimationFrame(callback) {
      let chain = 0;
      const id = native.requestAnimationFrame(function run(...runArgs) {
        live.delete(`frame:${id}`);
        return runAs(chain, callback, this, runArgs);
      });
      chain = track(`frame:${id}`, 'frame', 0);
      return id;
    };
    scope.cancelAnimationFrame = function cancelAnimationFrame(id) {
      live.delete(`frame:${id}`);
      native.cancelAnimationFrame(id);
    };
  }

  Object.defineProperty(scope, '__benchTimers', {
    enumerable: false,
    value: {
      /** A mark: timers whose chain started after it are `since(mark)`. */
      mark: () => nextChain,
      /** Live timers (chain started at or after `mark`), oldest first. */
      since: (mark = 0) =>
        [...live.values()].filter((timer) => timer.chain >= mark).sort((a, b) => a.chain - b.chain),
    },
  });
}

/** Counts a census by kind: { timeout, interval, frame, total }. */
export function countTimers(timers) {
  const counts = { timeout: 0, interval: 0, frame: 0, total: timers.length };
  for (const timer of timers) counts[timer.kind] += 1;
  return counts;
}
