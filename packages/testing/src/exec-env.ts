/**
 * The environment a program started by exec sees for `env`, as this package's exec path
 * (Node's spawn, then execve) delivers it, so that in-process runs see the same:
 * - `undefined` values are left out; other non-strings become their string form (`${v}`);
 * - each entry is the C string `NAME=value`: it ends at the first NUL byte (Node's spawn
 *   refuses a NUL; execve cannot carry one), whether the NUL is in the name or the value;
 * - the child splits an entry at its first "=": `{"K=V": "w"}` arrives as `K` = `V=w`;
 *   an entry left without "=" or with an empty name is dropped (Node does; Bun would keep
 *   `A` as ""; runExecutable never hands either of them such an entry);
 * - when two entries give one name, the first wins (glibc's getenv, Go and Node do so).
 */
export function execEnv(env: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    let entry = `${k}=${v}`;
    const nul = entry.indexOf("\0");
    if (nul >= 0) entry = entry.slice(0, nul);
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!Object.hasOwn(out, name)) out[name] = entry.slice(eq + 1);
  }
  return out;
}
