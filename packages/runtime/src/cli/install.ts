import { dirname, join } from "node:path";
import { readBuildIdentity } from "@tscni/state";
import { CniError, ErrorCode } from "@tscni/types";
import { EXECUTABLE_NAME, install } from "../install/install.js";
import type { LinkKind } from "../install/manifest.js";
import { uninstall } from "../install/uninstall.js";
import { flag, type ParsedArgs } from "./args.js";
import { DEFAULT_CONF_DIR, DEFAULT_PLUGIN_DIR } from "./setup.js";

type Out = (human: string | string[], data?: unknown) => void;

/** The file this process runs from: the standalone executable itself, or the node bundle's script. */
function runningExecutable(): string {
  return (globalThis as { Bun?: unknown }).Bun ? process.execPath : (process.argv[1] ?? process.execPath);
}

/** What to install without --from: this executable when it is the multi-call file, else the tscni-plugins beside it. */
function defaultSource(): string {
  const self = runningExecutable();
  return readBuildIdentity(self)?.kind === "multi" ? self : join(dirname(self), EXECUTABLE_NAME);
}

const LINKS: readonly LinkKind[] = ["hard", "sym", "copy"];

/**
 * `tscni install [--dir D] [--plugins a,b] [--link hard|sym|copy] [--conflist F --conf-dir D] [--force] [--from FILE]`:
 * by default the multi-call file with a name for every plugin it holds.
 */
export function runInstall(p: ParsedArgs, out: Out): void {
  const link = (flag(p, "link") ?? "hard") as LinkKind;
  if (!LINKS.includes(link)) throw new CniError(ErrorCode.InvalidConfig, `--link takes hard, sym or copy, not ${JSON.stringify(link)}`);
  const conflist = flag(p, "conflist");
  const r = install({
    dir: flag(p, "dir") ?? DEFAULT_PLUGIN_DIR,
    from: flag(p, "from") ?? defaultSource(),
    ...(flag(p, "plugins") !== undefined ? { plugins: flag(p, "plugins")!.split(",").filter(Boolean) } : {}),
    link,
    force: p.flags.has("force"),
    ...(conflist ? { conflist: { file: conflist, confDir: flag(p, "conf-dir") ?? DEFAULT_CONF_DIR } } : {}),
  });
  out(
    [
      `${r.executable.name}: ${r.executable.action} in ${r.dir}`,
      ...r.names.map((n) => `  ${n.name}: ${n.action} (${n.link})`),
      ...r.removed.map((n) => `  ${n}: removed`),
      ...(r.conflist ? [`${r.conflist.path}: ${r.conflist.action}`] : []),
    ],
    r,
  );
}

/** `tscni uninstall [--dir D]`: only what `tscni install` put there. */
export function runUninstall(p: ParsedArgs, out: Out): void {
  const r = uninstall(flag(p, "dir") ?? DEFAULT_PLUGIN_DIR);
  out(
    r.removed.length + r.restored.length + r.kept.length === 0
      ? `nothing installed by tscni in ${r.dir}`
      : [...r.removed.map((n) => `${n}: removed`), ...r.restored.map((n) => `${n}: put back`), ...r.kept.map((n) => `${n}: changed since install, left in place`)],
    r,
  );
}
