/**
 * Fakes `Date` only — what TTLs are measured with — so a test can move past a TTL at once instead of sleeping
 * through it. Timers, sockets and `performance` stay real, so the in-process gateway and the subgraphs keep
 * working; the fake clock runs on with real time. `restore()` after the servers that saw the jump are stopped.
 */
export function fakeDate(): { jump(ms: number): void; restore(): void } {
  jest.useFakeTimers({
    advanceTimers: true,
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
      'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
    ],
  });
  return { jump: (ms) => jest.setSystemTime(Date.now() + ms), restore: () => jest.useRealTimers() };
}
