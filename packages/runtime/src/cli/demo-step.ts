import { ms } from "./format.js";

/** A demo step: its title, what `show` makes of its value, and a tick with its duration; a failure propagates. */
export function demoStep(say: (s: string) => void) {
  return async <T>(title: string, fn: () => Promise<T>, show?: (v: T) => string[]): Promise<T> => {
    say(`▸ ${title}`);
    const t0 = performance.now();
    const v = await fn();
    for (const l of show?.(v) ?? []) say(`    ${l}`);
    say(`  ✓ ${title} (${ms(performance.now() - t0)})`);
    return v;
  };
}
