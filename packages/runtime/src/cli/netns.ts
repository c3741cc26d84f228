import { existsSync } from "node:fs";
import { runProgram } from "@tscni/invoke/run-program";

/** Run a program (argument array, never a shell string) with execa; resolve with its stdout, reject on failure. */
export async function run(cmd: string, args: string[]): Promise<string> {
  const r = await runProgram([cmd, ...args], { env: process.env });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.exitCode ?? r.signal}: ${r.stderr.trim()}`);
  return r.stdout;
}

export const addNetns = (name: string) => run("ip", ["netns", "add", name]);
export const delNetns = (name: string) => run("ip", ["netns", "delete", name]).catch(() => "");
export const inNetns = (name: string, cmd: string, args: string[]) => run("ip", ["netns", "exec", name, cmd, ...args]);
export const netnsPath = (name: string) => `/var/run/netns/${name}`;

export async function listNetns(): Promise<string[]> {
  const out = await run("ip", ["-json", "netns", "list"]).catch(() => "[]");
  return ((JSON.parse(out || "[]") as Array<{ name: string }>) ?? []).map((n) => n.name);
}

// No ping(8) on every host: a TCP SYN to a closed port that comes back as RST
// (ECONNREFUSED) proves the round trip as well as an ICMP echo does.
const PROBE = `
const net = require("node:net");
const t0 = process.hrtime.bigint();
const done = (ok, how) => { process.stdout.write(JSON.stringify({ ok, how, ms: Number(process.hrtime.bigint() - t0) / 1e6 })); process.exit(0); };
const s = net.connect({ host: process.argv[1], port: 9, timeout: 2000 });
s.on("connect", () => done(true, "connected"));
s.on("timeout", () => done(false, "timeout"));
s.on("error", (e) => done(e.code === "ECONNREFUSED", e.code));
`;

/** ICMP echo with ping(8) from inside netns `from`; undefined when ping is not installed. */
export async function icmpPing(from: string, ip: string): Promise<{ ok: boolean; how: string; ms: number } | undefined> {
  if (!existsSync("/usr/bin/ping") && !existsSync("/bin/ping")) return undefined;
  const out = await inNetns(from, "ping", ["-n", "-c", "1", "-W", "2", ip]).catch((e: Error) => e.message);
  const m = /time=([\d.]+) ms/.exec(out);
  return m ? { ok: true, how: "ICMP echo reply", ms: Number(m[1]) } : { ok: false, how: "no ICMP reply", ms: 0 };
}

/** Is `ip` reachable from netns `from`? Runs this node binary inside the netns. */
export async function tcpPing(from: string, ip: string): Promise<{ ok: boolean; how: string; ms: number }> {
  return JSON.parse(await inNetns(from, process.execPath, ["-e", PROBE, ip])) as { ok: boolean; how: string; ms: number };
}
