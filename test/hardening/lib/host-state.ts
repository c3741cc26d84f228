import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { exec } from "@tscni/testing";

/**
 * What a plugin may change on a host: links, addresses, routes, firewall (iptables here is
 * iptables-nft, so `nft list ruleset` shows both) and files. Taken as normalised text so a
 * diff is readable in a failure message.
 */
export interface HostState {
  net: string;
  files: string;
}

/** argv for a command in netns `ns` (undefined = the current one: the fuzz worker runs inside the sandbox host). */
const inNs = (ns: string | undefined, argv: string[]): string[] => (ns ? ["ip", "netns", "exec", ns, ...argv] : argv);
const ipIn = (ns: string | undefined, args: string[]): string[] => (ns ? ["ip", "-n", ns, ...args] : ["ip", ...args]);

async function out(argv: string[]): Promise<string> {
  const r = await exec(argv, { timeoutMs: 20_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

// DAD flips "tentative" on link-local addresses by itself; it says nothing about a plugin.
const normalise = (s: string): string =>
  s
    .split("\n")
    .map((l) => l.replace(/\s+tentative\b/g, "").replace(/\\\s+/g, " ").trimEnd())
    .filter((l) => l !== "")
    .join("\n");

/** Links, addresses, routes (all tables, both families) and the nftables ruleset of one netns. */
export async function netState(ns: string | undefined): Promise<string> {
  // `ip -batch -` reads commands from stdin: links, addresses, v4 routes in one exec.
  const [r, v6routes, rules] = await Promise.all([
    exec(ipIn(ns, ["-o", "-batch", "-"]), { stdin: "link show\naddr show\nroute show table all\n", timeoutMs: 20_000 }),
    out(ipIn(ns, ["-6", "route", "show", "table", "all"])),
    out(inNs(ns, ["nft", "list", "ruleset"])),
  ]);
  if (r.exitCode !== 0) throw new Error(`ip -batch: ${r.stderr}`);
  return normalise(`${r.stdout}\n-- v6 routes\n${v6routes}\n-- nft\n${rules}`);
}

/** A name on one line: fuzzed paths may hold newlines, and every entry must stay one line. */
const oneLine = (s: string) => s.replace(/[\\\n\r]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\\\"));

/** Every entry under the dirs with type, size and content hash (missing dirs are empty), one line each. */
export function fileState(dirs: readonly string[]): string {
  const lines: string[] = [];
  const walk = (root: string, rel: string): void => {
    const p = join(root, rel);
    const name = oneLine(rel);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (rel !== "") lines.push(`${root} ${name}/`);
      for (const n of readdirSync(p).sort()) walk(root, rel === "" ? n : `${rel}/${n}`);
    } else if (st.isSymbolicLink()) {
      lines.push(`${root} ${name} -> ${oneLine(readlinkSync(p))}`);
    } else if (st.isFile()) {
      const h = createHash("sha1").update(readFileSync(p)).digest("hex").slice(0, 12);
      lines.push(`${root} ${name} ${st.size} ${h}`);
    } else {
      lines.push(`${root} ${name} (special)`);
    }
  };
  for (const d of dirs) walk(d, "");
  return lines.join("\n");
}

export async function snapshot(netnses: ReadonlyArray<string | undefined>, dirs: readonly string[]): Promise<HostState> {
  // Every line carries its netns, so a diff line says where it is.
  const nets = await Promise.all(netnses.map((n) => netState(n).then((s) => s.split("\n").map((l) => `[${n ?? "self"}] ${l}`).join("\n"))));
  return { net: nets.join("\n"), files: fileState(dirs) };
}

/** Lines only in a or only in b, for a failure message. */
export function diffState(a: HostState, b: HostState): string {
  const d = (x: string, y: string): string[] => {
    const sx = new Set(x.split("\n"));
    const sy = new Set(y.split("\n"));
    return [...[...sx].filter((l) => !sy.has(l)).map((l) => `- ${l}`), ...[...sy].filter((l) => !sx.has(l)).map((l) => `+ ${l}`)];
  };
  return [...d(a.net, b.net), ...d(a.files, b.files)].join("\n");
}

export const sameState = (a: HostState, b: HostState): boolean => a.net === b.net && a.files === b.files;

/**
 * Per-attachment state (a leak when an error leaves it): anything in a container netns,
 * veths and bridge ports, IP reservations, per-container firewall rules. Everything else
 * in a diff is network-level (bridge, gateway address, ownership records), which docs/lifecycle.md
 * lets INIT or a lazy ADD keep and DEINIT release.
 */
export function attachmentLines(diff: string, hostLabel = "[self]"): string[] {
  return diff
    .split("\n")
    .filter((l) => l !== "")
    .filter((l) => {
      const body = l.slice(2);
      if (body.startsWith("[")) {
        if (!body.startsWith(hostLabel)) return !/ lo: /.test(body) && !/ lo\s+inet/.test(body); // container side
        return /veth|master |@if\d|cni_plugins_masquerade|\bid: |CNI-[0-9a-f]{24}/.test(body);
      }
      // files: "ROOT rel size hash"; reservations live in dataDir/NET/IP
      const rel = body.split(" ")[1] ?? "";
      // host-local's dot-dirs (its allocation index) are a cache, not a reservation.
      return /(^|\/)ipam\//.test(rel) && !/\/$/.test(rel) && !/(^|\/)(lock|last_reserved_ip\.\d+)$/.test(rel) && !/\/\./.test(rel);
    });
}
