import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRuntime, type Runtime } from "../runtime.js";
import type { ExecEvent } from "../options.js";
import { flag, type ParsedArgs } from "./args.js";
import { demoStep } from "./demo-step.js";
import { demoNetworks } from "./demo-config.js";
import { formatError, formatEvent, ms, summariseResult } from "./format.js";
import { addNetns, delNetns, icmpPing, inNetns, listNetns, netnsPath, tcpPing } from "./netns.js";

const PLUGINS = ["bridge", "host-local", "loopback"];
const GO_PLUGINS = "/usr/lib/cni";

/**
 * Our plugins when they are built: next to the tscni executable (dist/bin or dist/node),
 * else the repo's dist/bin; the Go reference plugins otherwise.
 */
export function defaultPluginsDir(plugins: readonly string[] = PLUGINS): string {
  const candidates = [dirname(process.execPath), process.argv[1] ? dirname(resolve(process.argv[1])) : ""];
  try {
    candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), "../../../../dist/bin"));
  } catch {
    // bundled: no module URL to start from
  }
  candidates.push(resolve(process.cwd(), "dist/bin"));
  for (const d of candidates) {
    if (d && plugins.every((p) => existsSync(join(d, p)))) return d;
  }
  return GO_PLUGINS;
}

/**
 * `tscni demo`: everything happens in throwaway namespaces ("host" + two containers);
 * plugins run inside the host netns via `ip netns exec`, so the machine's own network
 * is never touched. Every step prints its plugin execs and timing as it goes.
 */
export async function runDemo(p: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const pluginsDir = flag(p, "plugins-dir") ?? env.TSCNI_DEMO_PLUGINS ?? defaultPluginsDir();
  const id = randomBytes(3).toString("hex");
  const host = `tscni-demo-${id}-host`;
  const ctrs = [`tscni-demo-${id}-c1`, `tscni-demo-${id}-c2`];
  const work = mkdtempSync(join(tmpdir(), "tscni-demo-"));
  const confDir = join(work, "net.d");
  const say = (s: string) => void process.stdout.write(`${s}\n`);
  // A reader that goes away (`tscni demo | head`) must not cut the clean-up short.
  process.stdout.on("error", () => {});
  const onSignal = (sig: NodeJS.Signals) => {
    // Synchronous (the process exits next), so spawnSync rather than execa.
    for (const ns of [...ctrs, host]) spawnSync("ip", ["netns", "delete", ns], { stdio: "ignore" });
    rmSync(work, { recursive: true, force: true });
    process.exit(sig === "SIGINT" ? 130 : sig === "SIGHUP" ? 129 : 143);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const sig of signals) process.once(sig, onSignal);
  let failed = false;

  say(`tscni demo — plugins from ${pluginsDir}${pluginsDir === GO_PLUGINS ? " (Go reference plugins; build ours with `pnpm build`)" : ""}`);
  say(`  host netns ${host}, containers ${ctrs.join(", ")}, state in ${work}\n`);

  const onEvent = (e: ExecEvent) => say(formatEvent(e));
  let rt: Runtime | undefined;
  const step = demoStep(say);

  try {
    await step("create throwaway namespaces", async () => {
      for (const ns of [host, ...ctrs]) await addNetns(ns);
      await inNetns(host, "ip", ["link", "set", "lo", "up"]);
    });
    const cniVersion = await pickVersion(pluginsDir);
    mkdirSync(confDir);
    const nets = demoNetworks({ cniVersion, bridge: `tscni${id.slice(0, 4)}`, subnet: "10.250.0.0/24", dataDir: join(work, "ipam") });
    nets.forEach((n, i) => writeFileSync(join(confDir, `${10 + i}-${n.name}.conflist`), JSON.stringify(n, null, 2)));
    rt = createRuntime({ pluginDirs: [pluginsDir], confDir, cacheDir: join(work, "cache"), execWrapper: ["ip", "netns", "exec", host], onEvent });
    const r = rt;
    const attach = (i: number, network: string, ifName: string) => ({ network, containerId: `demo-c${i + 1}`, ifName, netns: netnsPath(ctrs[i]!) });

    await step(`INIT demo-lo and demo-br (cniVersion ${cniVersion})`, async () => {
      await r.init("demo-lo");
      await r.init("demo-br");
    });
    const results: Array<Record<string, unknown> | undefined> = [];
    for (const i of [0, 1]) {
      results[i] = await step(`ADD container ${i + 1} (lo + eth0)`, async () => {
        await r.add(attach(i, "demo-lo", "lo"));
        return r.add(attach(i, "demo-br", "eth0"));
      }, summariseResult);
    }
    const ip = (res: Record<string, unknown> | undefined) => String((res?.ips as Array<{ address: string }> | undefined)?.[0]?.address ?? "").split("/")[0]!;
    const gw = String((results[0]?.ips as Array<{ gateway?: string }> | undefined)?.[0]?.gateway ?? "");
    await step(`ping container 2 (${ip(results[1])}) from container 1`, () => reach(ctrs[0]!, ip(results[1])), pingLine);
    await step(`ping the gateway (${gw}) from container 2`, () => reach(ctrs[1]!, gw), pingLine);
    await step("CHECK container 1", () => r.check(attach(0, "demo-br", "eth0")));
    await step("STATUS demo-br", () => r.status("demo-br"), () => ["available"]);
    await step("DEL container 1", async () => {
      await r.del(attach(0, "demo-br", "eth0"));
      await r.del(attach(0, "demo-lo", "lo"));
    });
    await step("GC demo-br (container 2 is the only valid attachment)", () => r.gc("demo-br", [{ containerID: "demo-c2", ifname: "eth0" }]), (g) => [`stale attachments removed: ${g.deleted.length}`]);
    await step("DEL container 2", async () => {
      await r.del(attach(1, "demo-br", "eth0"));
      await r.del(attach(1, "demo-lo", "lo"));
    });
    await step("DEINIT demo-br and demo-lo", async () => {
      await r.deinit("demo-br");
      await r.deinit("demo-lo");
    });
    say(`\nafter the run: ${r.networks().map((n) => `${n.name} ${n.phase}`).join(", ")}; cached attachments: ${r.attachments().length}`);
  } catch (e) {
    failed = true;
    say(`  ✗ ${formatError(e)}`);
  } finally {
    if (!p.flags.has("keep")) {
      for (const ns of [...ctrs, host]) await delNetns(ns);
      rmSync(work, { recursive: true, force: true });
      const left = (await listNetns()).filter((n) => n.startsWith(`tscni-demo-${id}`));
      say(left.length === 0 ? "cleaned up: namespaces and state removed" : `LEFT BEHIND: ${left.join(", ")}`);
      if (left.length > 0) failed = true;
    }
    for (const sig of signals) process.off(sig, onSignal);
  }
  if (failed) process.exitCode = 1;
}

/** ICMP ping, or a TCP probe where ping(8) is missing; an unreachable address fails the step. */
async function reach(from: string, ip: string): Promise<{ how: string; ms: number }> {
  const r = (await icmpPing(from, ip)) ?? (await tcpPing(from, ip));
  if (!r.ok) throw new Error(`${ip} is not reachable from ${from} (${r.how})`);
  return r;
}

function pingLine(r: { how: string; ms: number }): string[] {
  return [`reply (${r.how === "ECONNREFUSED" ? "TCP RST" : r.how}) in ${ms(r.ms)}`];
}

/** 1.1.0 when every plugin supports it, else 1.0.0 (the Go v1.1.1 plugins stop at 1.0.0). */
async function pickVersion(dir: string): Promise<string> {
  const rt = createRuntime({ pluginDirs: [dir], cacheDir: tmpdir() });
  const v = await rt.versions({ name: "probe", cniVersion: "1.1.0", disableCheck: false, disableGC: false, loadOnlyInlinedPlugins: true, plugins: PLUGINS.map((type) => ({ type })), bytes: "{}" });
  return v.plugins.every((p) => p.supportsConfigVersion) ? "1.1.0" : "1.0.0";
}
