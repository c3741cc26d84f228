import { spawn } from "node:child_process";
import { join } from "node:path";
import { exec, runExecutable, type PluginRun, type Sandbox, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

export const OUR_BIN = distPath("bridge");
export const OUR_NODE = distPath("bridge", "node");
/** Our host-local comes first; Go's plugins (portmap, firewall) after it. */
export const CNI_PATH = `${join(distPath("bridge"), "..")}:/usr/lib/cni`;
export const GO_ONLY_PATH = "/usr/lib/cni";

export interface CallOpts {
  bin?: string;
  interpreter?: string;
  containerId?: string;
  ifname?: string;
  netns?: string;
  cniArgs?: string;
  path?: string;
}

/** Run the plugin the way a runtime does, always inside the sandbox's host netns. */
export function call(sb: Sandbox, command: string, conf: object, o: CallOpts = {}): Promise<PluginRun> {
  const env: Record<string, string> = { CNI_COMMAND: command, CNI_PATH: o.path ?? CNI_PATH };
  if (!["STATUS", "GC", "INIT", "DEINIT", "VERSION"].includes(command)) {
    env.CNI_CONTAINERID = o.containerId ?? "ctr1";
    env.CNI_IFNAME = o.ifname ?? "eth0";
    env.CNI_NETNS = o.netns ?? sb.container.path;
  }
  if (o.cniArgs) env.CNI_ARGS = o.cniArgs;
  return runExecutable(o.bin ?? OUR_BIN, { env, stdin: conf, netns: sb.host.name, ...(o.interpreter ? { interpreter: o.interpreter } : {}) });
}

/** A bridge config whose state and IPAM data live in the sandbox's tmp dir. */
export function conf(sb: Sandbox, extra: Record<string, unknown> = {}, subnet = "10.88.0.0/24", name = "tbrnet"): Record<string, unknown> {
  return {
    cniVersion: "1.1.0",
    name,
    type: "bridge",
    bridge: "tbr0",
    isGateway: true,
    stateDir: join(sb.tmpDir, "state"),
    ipam: { type: "host-local", dataDir: join(sb.tmpDir, "ipam"), ranges: [[{ subnet }]] },
    ...extra,
  };
}

export async function json<T = any>(sb: Sandbox, ns: Netns | string, argv: string[]): Promise<T> {
  const r = await sb.run(ns, argv);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : []) as T;
}

export const links = (sb: Sandbox, ns: Netns | string, extra: string[] = []) => json<any[]>(sb, ns, ["ip", "-d", "-j", "link", "show", ...extra]);

/** Names of the bridge's ports in the sandbox host. */
export async function ports(sb: Sandbox, bridge = "tbr0"): Promise<string[]> {
  const r = await sb.run(sb.host, ["ip", "-j", "link", "show", "master", bridge], { check: false });
  return r.exitCode === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as Array<{ ifname: string }>).map((l) => l.ifname) : [];
}

export async function addrs(sb: Sandbox, ns: Netns | string, dev: string): Promise<string[]> {
  const r = await sb.run(ns, ["ip", "-j", "addr", "show", "dev", dev], { check: false });
  if (r.exitCode !== 0) return [];
  return (JSON.parse(r.stdout)[0]?.addr_info ?? []).filter((a: any) => a.scope !== "link").map((a: any) => `${a.local}/${a.prefixlen}`);
}

export async function hasLink(sb: Sandbox, ns: Netns | string, dev: string): Promise<boolean> {
  return (await sb.run(ns, ["ip", "link", "show", "dev", dev], { check: false })).exitCode === 0;
}

export async function nftRuleset(sb: Sandbox): Promise<string> {
  return (await sb.run(sb.host, ["nft", "list", "ruleset"])).stdout;
}

/** The nat table without iptables-save's "# Generated/Completed on <time>" lines, so equal rules compare equal. */
export async function iptNat(sb: Sandbox): Promise<string> {
  const out = (await sb.run(sb.host, ["iptables-save", "-t", "nat"])).stdout;
  return out.split("\n").filter((l) => !l.startsWith("#")).join("\n");
}

/**
 * An "outside" netns wired to the sandbox host by a veth (192.168.250.1 host side,
 * .2 outside), with no route back to the containers: only masqueraded traffic can answer.
 */
export async function makeOutside(sb: Sandbox): Promise<Netns> {
  const out = await sb.addNetns("o");
  await sb.run(sb.host, ["ip", "link", "add", "tbro0", "type", "veth", "peer", "name", "tbro1", "netns", out.name]);
  await sb.run(sb.host, ["ip", "addr", "add", "192.168.250.1/24", "dev", "tbro0"]);
  await sb.run(sb.host, ["ip", "link", "set", "tbro0", "up"]);
  await sb.run(out, ["ip", "addr", "add", "192.168.250.2/24", "dev", "tbro1"]);
  await sb.run(out, ["ip", "link", "set", "tbro1", "up"]);
  return out;
}

const PEER_SERVER = `
const net = require("node:net");
const srv = net.createServer((s) => { process.stdout.write("PEER " + s.remoteAddress + "\\n"); s.end("ok"); srv.close(); });
srv.listen(0, process.argv[1], () => process.stdout.write("PORT " + srv.address().port + "\\n"));
setTimeout(() => process.exit(2), 8000).unref();
`;
const CLIENT = `
const s = require("node:net").connect({ host: process.argv[1], port: Number(process.argv[2]), timeout: 3000 });
s.on("data", () => {}); s.on("end", () => process.exit(0)); s.on("timeout", () => process.exit(3)); s.on("error", () => process.exit(1));
`;

/** Connect from `from` to a listener on `ip` in `to`; returns the source address the listener saw (undefined = no connection). */
export async function peerAddress(from: Netns, to: Netns, ip: string): Promise<string | undefined> {
  const srv = spawn("ip", ["netns", "exec", to.name, process.execPath, "-e", PEER_SERVER, ip], { stdio: ["ignore", "pipe", "pipe"] });
  let buf = "";
  srv.stdout.on("data", (d: Buffer) => (buf += d.toString()));
  try {
    const port = await new Promise<string | undefined>((resolve) => {
      const t = setInterval(() => {
        const m = /PORT (\d+)/.exec(buf);
        if (m) {
          clearInterval(t);
          resolve(m[1]);
        }
      }, 20);
      srv.on("close", () => {
        clearInterval(t);
        resolve(undefined);
      });
    });
    if (!port) return undefined;
    const r = await exec(["ip", "netns", "exec", from.name, process.execPath, "-e", CLIENT, ip, port], { timeoutMs: 6000 });
    if (r.exitCode !== 0) return undefined;
    await new Promise((r) => setTimeout(r, 50));
    return /PEER (\S+)/.exec(buf)?.[1]?.replace(/^::ffff:/, "");
  } finally {
    srv.kill("SIGKILL");
  }
}
