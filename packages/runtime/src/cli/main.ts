// tscni: the cnitool equivalent (add|del|check|status|gc NAME NETNS, same env vars),
// plus the lifecycle commands (init, deinit, reconcile, remove) and state views.
import { CniError, ErrorCode } from "@tscni/types";
import pkg from "../../package.json" with { type: "json" };
import type { Attachment } from "../conf/derive.js";
import { flag, parseArgs, type ParsedArgs } from "./args.js";
import { errorJson, formatError, formatEvent, ms, summariseResult } from "./format.js";
import { attachmentFromArgs, runtimeFromEnv } from "./setup.js";

const USAGE = `usage: tscni COMMAND [ARGS] [--json]

  add|del|check NAME NETNS   attach/detach/verify NETNS (path) on network NAME (cnitool-compatible)
  status NAME                 STATUS of every plugin of NAME
  gc NAME [--valid CID:IF]... DEL cached attachments not listed, then GC every plugin
  init NAME | deinit NAME [--force]  run INIT / DEINIT on NAME (deinit refuses while
                              attachments are cached, unless --force)
  remove NAME                 DEL all attachments, GC, DEINIT, forget NAME (also: network remove NAME)
  reconcile [--force]         INIT new/changed networks, DEINIT removed ones that drained
  networks                    state of each network
  attachments [--container ID]  cached attachments
  version [NAME]              tscni's version, or VERSION of every plugin of NAME
  pool show NAME               cluster-ipam pool of NAME: blocks, owners, free counts
  pool release-node NAME NODE  release a dead node's attachments and blocks in NAME's pool
  demo [--plugins-dir DIR] [--keep] [--cluster]  the end-to-end demo in throwaway network namespaces
  install [--dir /opt/cni/bin] [--plugins bridge,host-local,...] [--link hard|sym|copy]
          [--conflist FILE --conf-dir /etc/cni/net.d] [--force] [--from FILE]
                              put the multi-call executable (default: this one, or the
                              tscni-plugins beside it) and its plugin names into DIR atomically
  uninstall [--dir /opt/cni/bin]  remove what install put there, put back what it replaced

env: NETCONFPATH (default /etc/cni/net.d), CNI_PATH (default /opt/cni/bin), CNI_ARGS,
     CAP_ARGS (JSON), CNI_IFNAME (default eth0), TSCNI_CACHE_DIR (default /var/lib/cni)
flags: --conf-dir, --plugins-dir, --cache-dir, --netns-exec HOSTNS (run plugins in netns HOSTNS),
       --timeout MS, -i/--ifname, --container ID, --json, -v/--verbose`;

const VERSION = `tscni ${pkg.version} (CNI spec 1.1.0, plus INIT/DEINIT)`;

async function run(p: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const json = p.flags.has("json");
  const verbose = p.flags.has("verbose");
  const out = (human: string | string[], data?: unknown) => {
    if (json) process.stdout.write(`${JSON.stringify(data ?? null, null, 2)}\n`);
    else process.stdout.write(`${Array.isArray(human) ? human.join("\n") : human}\n`);
  };
  const rt = runtimeFromEnv(p, env, verbose && !json ? (e) => process.stderr.write(`${formatEvent(e)}\n`) : undefined);
  const name = () => {
    const n = p.positional[0];
    if (!n) throw new CniError(ErrorCode.InvalidEnv, `usage: tscni ${p.command} NAME`);
    return n;
  };
  const t0 = performance.now();
  const took = () => ms(performance.now() - t0);
  switch (p.command) {
    case "add": {
      const req = attachmentFromArgs(p, env, true);
      const result = await rt.add(req);
      return json ? out("", result ?? null) : out([`added ${req.containerId}/${req.ifName} to ${req.network} in ${took()}`, ...summariseResult(result).map((l) => `  ${l}`)]);
    }
    case "del": {
      const req = attachmentFromArgs(p, env, false);
      await rt.del(req);
      return out(`deleted ${req.containerId}/${req.ifName} from ${req.network} in ${took()}`, { ok: true });
    }
    case "check": {
      const req = attachmentFromArgs(p, env, true);
      await rt.check(req);
      return out(`check ok: ${req.containerId}/${req.ifName} on ${req.network} (${took()})`, { ok: true });
    }
    case "status":
      await rt.status(name());
      return out(`${name()}: available (${took()})`, { network: name(), available: true });
    case "gc": {
      const valid: Attachment[] = (p.flags.get("valid") ?? []).map((v) => {
        const i = v.lastIndexOf(":");
        if (i <= 0) throw new CniError(ErrorCode.InvalidEnv, `--valid wants CONTAINERID:IFNAME, got ${JSON.stringify(v)}`);
        return { containerID: v.slice(0, i), ifname: v.slice(i + 1) };
      });
      const r = await rt.gc(name(), valid);
      if (r.errors.length > 0) throw r.errors[0];
      return out(r.skipped ? `${name()}: GC disabled (disableGC)` : `${name()}: GC done in ${took()}, removed ${r.deleted.length} stale attachment(s)`, r);
    }
    case "init":
      await rt.init(name());
      return out(`${name()}: initialised in ${took()}`, { network: name(), phase: "initialised" });
    case "deinit":
      await rt.deinit(name(), { force: p.flags.has("force") });
      return out(`${name()}: deinitialised in ${took()}`, { network: name(), phase: "removed" });
    case "remove": {
      const errors = await rt.removeNetwork(name());
      if (errors.length > 0) throw errors[0];
      return out(`${name()}: removed in ${took()}`, { network: name(), removed: true });
    }
    case "reconcile": {
      const r = await rt.reconcile({ force: p.flags.has("force") });
      const lines = [
        ...r.configErrors.map((e) => `config error ${e.code} in ${e.file}: ${e.msg} (removals skipped)`),
        ...r.steps.map((s) => `${s.network.padEnd(20)} ${s.action.padEnd(7)} -> ${s.phase}${s.error ? `  error ${s.error.code}: ${s.error.msg}` : ""}`),
      ];
      out(lines.length ? lines : "nothing to do", r);
      if (r.steps.some((s) => s.error)) process.exitCode = 1;
      return;
    }
    case "networks": {
      const nets = rt.networks();
      return out(
        nets.length === 0
          ? "no networks"
          : nets.map((n) => `${n.name.padEnd(20)} ${n.phase.padEnd(15)} ${String(n.attachments).padStart(3)} attachment(s)${n.error ? `  last error ${n.error.code}: ${n.error.msg}` : ""}${n.nextRetryAt ? ` (retry after ${n.nextRetryAt})` : ""}`),
        nets,
      );
    }
    case "attachments": {
      const container = flag(p, "container");
      const list = rt.attachments(container ? { containerId: container } : {});
      return out(
        list.length === 0 ? "no attachments" : list.map((a) => `${a.networkName.padEnd(20)} ${a.containerId} ${a.ifName} ${a.netns ?? ""}`),
        list.map(({ config: _c, ...rest }) => rest),
      );
    }
    case "version": {
      if (!p.positional[0]) return out(VERSION, { version: VERSION });
      const v = await rt.versions(name());
      return out(
        [`${v.network} (cniVersion ${v.cniVersion})`, ...v.plugins.map((pl) => `  ${pl.index} ${pl.type.padEnd(14)} ${pl.error ? `error ${pl.error.code}: ${pl.error.msg}` : `${pl.supportedVersions!.join(" ")}${pl.supportsConfigVersion ? "" : "  (does NOT support the config's version)"}`}`)],
        v,
      );
    }
    case "pool": {
      const { runPool } = await import("./pool.js");
      return runPool(p, env, out);
    }
    case "install": {
      const { runInstall } = await import("./install.js");
      return runInstall(p, out);
    }
    case "uninstall": {
      const { runUninstall } = await import("./install.js");
      return runUninstall(p, out);
    }
    case "demo": {
      if (p.flags.has("cluster")) {
        // Its etcd cluster comes from @tscni/testing, an optional peer: installing the runtime
        // does not install the test toolchain.
        const { runClusterDemo } = await import("./demo-cluster.js").catch((e: unknown) => {
          if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && String(e).includes("@tscni/testing")) {
            throw new CniError(ErrorCode.NotAvailable, "tscni demo --cluster needs @tscni/testing, which is not installed", "npm install @tscni/testing (it starts the demo's etcd cluster)");
          }
          throw e;
        });
        return runClusterDemo(p, env);
      }
      const { runDemo } = await import("./demo.js");
      return runDemo(p, env);
    }
    case "help":
    case "--help":
      return out(USAGE, { usage: USAGE });
    default:
      throw new CniError(ErrorCode.InvalidEnv, `unknown command ${JSON.stringify(p.command)}\n${USAGE}`);
  }
}

/** `tscni network remove NAME` is `tscni remove NAME` (the spelling the lifecycle design used); `network list` lists. */
function networkAlias(p: ParsedArgs): ParsedArgs {
  if (p.command !== "network") return p;
  const [sub, ...rest] = p.positional;
  if (sub === "remove") return { ...p, command: "remove", positional: rest };
  if (sub === "list" || sub === undefined) return { ...p, command: "networks", positional: rest };
  throw new CniError(ErrorCode.InvalidEnv, `usage: tscni network remove NAME | tscni network list`);
}

async function main(): Promise<void> {
  let p: ParsedArgs | undefined;
  try {
    p = networkAlias(parseArgs(process.argv.slice(2)));
    await run(p, process.env);
  } catch (e) {
    if (p?.flags.has("json")) process.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
    else process.stderr.write(`${formatError(e)}\n`);
    process.exitCode = 1;
  }
}

void main();
