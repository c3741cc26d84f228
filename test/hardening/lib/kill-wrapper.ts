import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A stand-in for a plugin in CNI_PATH: runs the real executable and, with probability
 * perMille/1000 per exec, SIGKILLs it after a 1..maxMs delay. Which execs die and after
 * how long follows from the seed: the draw is a checksum (cksum's CRC) of the seed, the
 * plugin, CNI_COMMAND, CNI_CONTAINERID and how many times that triple ran before (a
 * counter file per triple), so a retried DEL draws anew, and every run of the same seed
 * draws the same (concurrent attachments have their own counters). What a kill interrupts
 * still depends on timing.
 * `timeout(1)` is the parent of the killed process, so the kill can never hit a recycled
 * pid. Each kill is appended to the log (the faults-injected count). The script is a
 * constant text: the only things put into it are our own tmp paths, checked to need no quoting.
 */
const SCRIPT = `#!/bin/sh
real=@REAL@
ctl=@CTL@
log=@LOG@
counts=@COUNTS@
p=0 max=0 seed=0
read -r p max seed < "$ctl" 2>/dev/null
if [ "\${p:-0}" -gt 0 ] && [ "\${max:-0}" -gt 0 ]; then
  # Builtins only, but for cksum: this runs before every armed exec.
  cmd=\${CNI_COMMAND:-}
  case "$cmd" in *[!A-Z]*) cmd=other ;; esac
  id=\${CNI_CONTAINERID:-}
  case "$id" in *[!A-Za-z0-9_.-]*) id=$(printf '%s' "$id" | cksum); id=\${id%% *} ;; esac
  nf="$counts/\${real##*/}-$cmd-$id"
  n=0
  [ -f "$nf" ] && read -r n < "$nf"
  echo $((n + 1)) > "$nf"
  r=$(printf '%s' "$seed \${real##*/} $cmd $id $n" | cksum)
  r=\${r%% *}
  if [ $((r % 1000)) -lt "$p" ]; then
    ms=$(( 1 + (r / 1000) % max ))
    timeout -s KILL "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))" "$real"
    rc=$?
    [ "$rc" -eq 137 ] && echo "\${CNI_COMMAND:-?} \${real##*/} \${ms}ms" >> "$log"
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
  /** Arm: kill perMille of the execs of `plugin` after 1..maxMs, drawn from `seed`. perMille 0 disarms. */
  set(plugin: string, perMille: number, maxMs: number, seed?: number): void;
  /** Kills delivered so far (lines of the log). */
  kills(): string[];
}

export function makeKillWrappers(dir: string, real: Record<string, string>): KillSwitch {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, ".kills.log");
  writeFileSync(log, "");
  const ctl = (plugin: string) => join(dir, `.ctl-${plugin}`);
  const counts = join(dir, ".counts");
  mkdirSync(counts, { recursive: true });
  for (const [name, path] of Object.entries(real)) {
    writeFileSync(ctl(name), "0 0 0\n");
    const text = SCRIPT.replace("@REAL@", plain(path)).replace("@CTL@", plain(ctl(name))).replace("@LOG@", plain(log)).replace("@COUNTS@", plain(counts));
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  return {
    dir,
    set: (plugin, perMille, maxMs, seed = 0) =>
      writeFileSync(ctl(plugin), `${Math.round(perMille)} ${Math.max(0, Math.round(maxMs))} ${Math.trunc(Math.abs(seed))}\n`),
    kills: () => readFileSync(log, "utf8").split("\n").filter((l) => l !== ""),
  };
}
