import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A stand-in for a plugin in CNI_PATH: runs the real executable and, with probability
 * perMille/1000 per exec, SIGKILLs it after a random 1..maxMs delay. `timeout(1)` is the
 * parent of the killed process, so the kill can never hit a recycled pid. Each kill is
 * appended to the log (the faults-injected count). The script is a constant text: the
 * only things put into it are our own tmp paths, checked to need no quoting.
 */
const SCRIPT = `#!/bin/sh
real=@REAL@
ctl=@CTL@
log=@LOG@
set -- $(cat "$ctl" 2>/dev/null)
p=\${1:-0}
max=\${2:-0}
if [ "$p" -gt 0 ] && [ "$max" -gt 0 ]; then
  r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  if [ $((r % 1000)) -lt "$p" ]; then
    ms=$(( 1 + (r / 1000) % max ))
    timeout -s KILL "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))" "$real"
    rc=$?
    [ "$rc" -eq 137 ] && echo "\${CNI_COMMAND:-?} $(basename "$real") \${ms}ms" >> "$log"
    exit "$rc"
  fi
fi
exec "$real"
`;

const plain = (p: string): string => {
  if (!/^[A-Za-z0-9_./-]+$/.test(p)) throw new Error(`path needs quoting, refusing: ${p}`);
  return p;
};

export interface KillSwitch {
  dir: string;
  /** Arm: kill perMille of the execs of `plugin` after 1..maxMs. perMille 0 disarms. */
  set(plugin: string, perMille: number, maxMs: number): void;
  /** Kills delivered so far (lines of the log). */
  kills(): string[];
}

export function makeKillWrappers(dir: string, real: Record<string, string>): KillSwitch {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, ".kills.log");
  writeFileSync(log, "");
  const ctl = (plugin: string) => join(dir, `.ctl-${plugin}`);
  for (const [name, path] of Object.entries(real)) {
    writeFileSync(ctl(name), "0 0\n");
    const text = SCRIPT.replace("@REAL@", plain(path)).replace("@CTL@", plain(ctl(name))).replace("@LOG@", plain(log));
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  return {
    dir,
    set: (plugin, perMille, maxMs) => writeFileSync(ctl(plugin), `${Math.round(perMille)} ${Math.max(0, Math.round(maxMs))}\n`),
    kills: () => readFileSync(log, "utf8").split("\n").filter((l) => l !== ""),
  };
}
