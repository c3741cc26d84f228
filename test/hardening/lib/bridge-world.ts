import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@tscni/runtime";
import { exec, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { makeKillWrappers, type KillSwitch } from "./kill-wrapper.js";

/**
 * One bridge + host-local network driven by @tscni/runtime, plugins run in the sandbox
 * host netns through kill wrappers, every state dir in the sandbox's tmp dir.
 */
export interface BridgeWorld {
  name: string;
  bridge: string;
  rt: Runtime;
  kill: KillSwitch;
  dataDir: string;
  stateDir: string;
  cacheDir: string;
  /** What is left that belongs to attachments (all must be empty when no container is attached). */
  leaks(): Promise<Leaks>;
}

export interface Leaks {
  reservations: string[];
  veths: string[];
  containerLinks: string[];
  perContainerRules: string[];
  cachedAttachments: string[];
  heldLocks: string[];
}

export const totalLeaks = (l: Leaks): number => Object.values(l).reduce((n, v: string[]) => n + v.length, 0);

export function makeBridgeWorld(sb: Sandbox, o: { name: string; bridge: string; subnet: string; ipMasq?: boolean; execTimeoutMs?: number }): BridgeWorld {
  const root = sb.tmpDir;
  const dataDir = join(root, "ipam");
  const stateDir = join(root, "state");
  const cacheDir = join(root, "cache");
  const confDir = join(root, "conf");
  mkdirSync(confDir, { recursive: true });
  const kill = makeKillWrappers(join(root, "bin"), { bridge: distPath("bridge"), "host-local": distPath("host-local") });
  const conflist = {
    cniVersion: "1.1.0",
    name: o.name,
    plugins: [
      {
        type: "bridge",
        bridge: o.bridge,
        isGateway: true,
        ipMasq: o.ipMasq ?? true,
        stateDir,
        ipam: { type: "host-local", dataDir, ranges: [[{ subnet: o.subnet }]] },
      },
    ],
  };
  writeFileSync(join(confDir, `10-${o.name}.conflist`), JSON.stringify(conflist, null, 2));
  const rt = createRuntime({
    pluginDirs: [kill.dir],
    confDir,
    cacheDir,
    execWrapper: ["ip", "netns", "exec", sb.host.name],
    execTimeoutMs: o.execTimeoutMs ?? 60_000,
    initBackoffMs: { base: 1, max: 1 },
    env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
  });

  const leaks = async (): Promise<Leaks> => {
    const netDir = join(dataDir, o.name);
    const reservations = existsSync(netDir) ? readdirSync(netDir).filter((n) => n !== "lock" && !n.startsWith("last_reserved_ip.") && !n.startsWith(".")) : [];
    const hostLinks = await exec(["ip", "-n", sb.host.name, "-o", "link", "show"]);
    const veths = hostLinks.stdout.split("\n").filter((l) => /^\d+: veth/.test(l) || / master /.test(l)).map((l) => l.split(":")[1]!.trim());
    const containerLinks: string[] = [];
    for (const c of sb.containers) {
      const r = await exec(["ip", "-n", c.name, "-o", "link", "show"]);
      for (const l of r.stdout.split("\n")) {
        const n = /^\d+: ([^:@]+)/.exec(l)?.[1];
        if (n && n !== "lo") containerLinks.push(`${c.name}/${n}`);
      }
    }
    // Per-container masquerade (Go's format): rules tagged with a container id, or CNI-<hash> chains.
    const nft = await exec(["ip", "netns", "exec", sb.host.name, "nft", "list", "ruleset"]);
    const perContainerRules = nft.stdout.split("\n").filter((l) => /\bid: |chain CNI-[0-9a-f]{24}|table inet cni_plugins_masquerade/.test(l)).map((l) => l.trim());
    const cachedAttachments = rt.attachments({ network: o.name }).map((a) => `${a.containerId}/${a.ifName}`);
    const heldLocks: string[] = [];
    for (const f of lockFiles([join(cacheDir, "tscni", "locks"), join(stateDir, "locks")])) {
      // -n: fail at once if anyone (a live or a leaked holder) has it.
      const r = await exec(["flock", "-n", "-x", f, "true"]);
      if (r.exitCode !== 0) heldLocks.push(f);
    }
    return { reservations, veths, containerLinks, perContainerRules, cachedAttachments, heldLocks };
  };
  return { name: o.name, bridge: o.bridge, rt, kill, dataDir, stateDir, cacheDir, leaks };
}

function lockFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".lock")) out.push(p);
    }
  };
  dirs.forEach(walk);
  return out;
}

/** The first IPv4 address of an ADD result (1.1.0 shape). */
export function resultIP(r: Record<string, unknown> | undefined): string | undefined {
  const ips = (r?.ips as Array<{ address: string }> | undefined) ?? [];
  return ips[0]?.address.split("/")[0];
}
