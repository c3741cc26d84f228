import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CniError, ErrorCode, isPluginName } from "@tscni/types";
import { readBuildIdentity, writeFileAtomic, type BuildIdentity } from "@tscni/state";
import { readManifest, writeManifest, type InstallManifest, type InstalledConflist, type LinkKind } from "./manifest.js";
import { fsyncDir, linkedTo, moveAside, placeCopy, placeLink, removeIfExists, sameContent } from "./place.js";

export const EXECUTABLE_NAME = "tscni-plugins";
/** The CLI's name in the multi-call file: not a CNI plugin, so no name of it goes into the plugin directory by default. */
export const CLI_NAME = "tscni";

export interface InstallOptions {
  /** The plugin directory, e.g. /opt/cni/bin. */
  dir: string;
  /** The multi-call executable to install. */
  from: string;
  /** Names to make; default: every plugin the file holds (not the CLI). */
  plugins?: readonly string[];
  link?: LinkKind;
  /** Replace files that are not ours, keeping them for uninstall to put back. */
  force?: boolean;
  /** A network config list to write into `confDir` the same atomic way. */
  conflist?: { file: string; confDir: string };
  executableName?: string;
}

export interface InstallReport {
  dir: string;
  executable: { name: string; action: "written" | "unchanged" };
  names: Array<{ name: string; action: "created" | "updated" | "unchanged" | "replaced-foreign"; link: LinkKind }>;
  removed: string[];
  conflist?: { path: string; action: "written" | "unchanged" | "replaced-foreign" };
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const stamp = () => new Date().toISOString().replace(/[-:.]/g, "");

function checkName(name: string): string {
  if (!isPluginName(name)) {
    throw new CniError(ErrorCode.InvalidConfig, `invalid plugin name ${JSON.stringify(name)}`, "a plugin name is a plain file name");
  }
  return name;
}

/** Is `dir/name` a file this installer may replace: one it made, or a tscni build? */
function ours(dir: string, name: string, prev: InstallManifest | undefined): boolean {
  if (prev && (prev.names.includes(name) || prev.executable === name)) return true;
  const b = readBuildIdentity(join(dir, name));
  const ids = b?.kind === "single" ? [b.identity] : (b?.held.map((h) => h.identity) ?? []);
  return ids.some((id) => id?.startsWith("@tscni/"));
}

/**
 * The names `from` answers to (its multi-call trailer), checked against `wanted`: a file that
 * is not a multi-call executable would run one plugin under every name, so it is refused.
 */
function pluginNames(from: string, build: BuildIdentity | undefined, wanted: readonly string[] | undefined): string[] {
  if (build?.kind !== "multi") throw new CniError(ErrorCode.InvalidConfig, `${from} is not a multi-call executable`, "its last line lists no plugin names (\"// tscni-plugins name=package@version ...\"); build one with `pnpm build` (dist/bin/tscni-plugins) or tscni-build --multi");
  const held = build.held.map((h) => h.name);
  const names = [...new Set((wanted ?? held.filter((n) => n !== CLI_NAME)).map(checkName))];
  const missing = names.filter((n) => !held.includes(n));
  if (missing.length > 0) throw new CniError(ErrorCode.InvalidConfig, `${from} holds no plugin named ${missing.join(", ")}`, `it holds: ${held.join(", ")}`);
  return names;
}

export const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Install the multi-call executable into `dir` and the plugin names beside it, the way
 * flannel's and Calico's install-cni do, but atomically (place.ts): a runtime exec'ing a
 * plugin meanwhile sees the old file or the new one. Idempotent. Files that are not ours
 * are refused, named, before anything changes, unless `force`: then they are moved aside
 * and the manifest remembers where, so uninstall can put them back.
 */
export function install(o: InstallOptions): InstallReport {
  const dir = resolve(o.dir);
  const from = resolve(o.from);
  const link = o.link ?? "hard";
  const exeName = checkName(o.executableName ?? EXECUTABLE_NAME);
  if (!existsSync(from)) throw new CniError(ErrorCode.InvalidConfig, `nothing to install: ${from} does not exist`);
  const build = readBuildIdentity(from);
  const names = pluginNames(from, build, o.plugins);
  if (names.includes(exeName)) throw new CniError(ErrorCode.InvalidConfig, `plugin name ${exeName} is the executable's own name`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const prev = readManifest(dir);
  const exe = join(dir, exeName);

  const foreign = [exeName, ...names].filter((n) => exists(join(dir, n)) && !ours(dir, n, prev));
  const conflistPath = o.conflist ? join(resolve(o.conflist.confDir), basename(o.conflist.file)) : undefined;
  const conflistText = o.conflist ? readFileSync(o.conflist.file) : undefined;
  const prevConflist = prev?.conflists.find((c) => c.path === conflistPath);
  const conflistForeign = conflistPath !== undefined && exists(conflistPath) && !prevConflist && sha256(readFileSync(conflistPath)) !== sha256(conflistText!);
  if (!o.force && (foreign.length > 0 || conflistForeign)) {
    const which = [...foreign.map((n) => join(dir, n)), ...(conflistForeign ? [conflistPath!] : [])];
    throw new CniError(ErrorCode.InvalidConfig, `refusing to replace ${which.length === 1 ? "a file" : `${which.length} files`} not installed by tscni: ${which.join(", ")}`, "pass --force to replace them; they are kept, and `tscni uninstall` puts them back");
  }

  const manifest: InstallManifest = { version: 1, executable: exeName, link, names: [], replaced: { ...(prev?.replaced ?? {}) }, conflists: [...(prev?.conflists ?? [])] };
  if (build) manifest.build = build;
  const report: InstallReport = { dir, executable: { name: exeName, action: "unchanged" }, names: [], removed: [] };
  const when = stamp();

  if (foreign.includes(exeName)) manifest.replaced[exeName] = moveAside(dir, exeName, when);
  if (!exists(exe) || !sameContent(from, exe)) {
    placeCopy(from, dir, exeName);
    report.executable.action = "written";
  }
  for (const name of names) {
    if (linkedTo(dir, name, exe, link)) {
      report.names.push({ name, action: "unchanged", link });
      manifest.names.push(name);
      continue;
    }
    const wasForeign = foreign.includes(name);
    if (wasForeign) manifest.replaced[name] = moveAside(dir, name, when);
    const existed = exists(join(dir, name));
    const made = link === "copy" ? (placeCopy(exe, dir, name), "copy" as const) : placeLink(dir, name, exe, link);
    report.names.push({ name, action: wasForeign ? "replaced-foreign" : existed ? "updated" : "created", link: made });
    manifest.names.push(name);
  }
  // Names an earlier install made that this one does not want any more go (their originals come back).
  for (const name of prev?.names ?? []) {
    if (names.includes(name)) continue;
    removeIfExists(join(dir, name));
    restore(dir, name, manifest);
    report.removed.push(name);
  }
  fsyncDir(dir);

  if (conflistPath && conflistText) {
    const written: InstalledConflist = { path: conflistPath, sha256: sha256(conflistText), ...(prevConflist?.replaced ? { replaced: prevConflist.replaced } : {}) };
    let action: "written" | "unchanged" | "replaced-foreign" = "written";
    if (exists(conflistPath) && sha256(readFileSync(conflistPath)) === written.sha256) action = "unchanged";
    else {
      if (conflistForeign) {
        written.replaced = join(resolve(o.conflist!.confDir), moveAside(resolve(o.conflist!.confDir), basename(conflistPath), when));
        action = "replaced-foreign";
      }
      writeFileAtomic(conflistPath, conflistText, 0o644);
    }
    manifest.conflists = [...manifest.conflists.filter((c) => c.path !== conflistPath), written];
    report.conflist = { path: conflistPath, action };
  }
  writeManifest(dir, manifest);
  return report;
}

/** Put back the file `name` replaced, if any. */
export function restore(dir: string, name: string, m: InstallManifest): boolean {
  const aside = m.replaced[name];
  if (!aside) return false;
  if (exists(join(dir, aside))) renameSync(join(dir, aside), join(dir, name));
  delete m.replaced[name];
  return true;
}
