import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { parseCniArgsPairs } from "./cni-args.js";
import { CniError, ErrorCode } from "@tscni/types";
import { splitCniPath } from "@tscni/invoke";
import { createRuntime, type Runtime } from "../runtime.js";
import type { AttachmentRequest } from "../ops/attachment.js";
import type { ExecEvent } from "../options.js";
import { flag, type ParsedArgs } from "./args.js";

export const DEFAULT_CONF_DIR = "/etc/cni/net.d";
export const DEFAULT_PLUGIN_DIR = "/opt/cni/bin";

/** A runtime configured the way cnitool is (env), with tscni's flags on top. */
export function runtimeFromEnv(p: ParsedArgs, env: NodeJS.ProcessEnv, onEvent?: (e: ExecEvent) => void): Runtime {
  const dirs = flag(p, "plugins-dir") ?? env.CNI_PATH;
  const host = flag(p, "netns-exec");
  const timeout = flag(p, "timeout");
  return createRuntime({
    pluginDirs: dirs ? splitCniPath(dirs) : [DEFAULT_PLUGIN_DIR],
    confDir: flag(p, "conf-dir") ?? env.NETCONFPATH ?? DEFAULT_CONF_DIR,
    cacheDir: flag(p, "cache-dir") ?? env.TSCNI_CACHE_DIR ?? "/var/lib/cni",
    ...(host ? { execWrapper: ["ip", "netns", "exec", host] } : {}),
    ...(timeout ? { execTimeoutMs: Number(timeout) } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
}

/** cnitool's container ID for a netns path: "cnitool-" + 20 hex digits of sha512(abs path). */
export function cnitoolContainerId(netnsPath: string): string {
  return `cnitool-${createHash("sha512").update(resolve(netnsPath)).digest("hex").slice(0, 20)}`;
}

/** NAME NETNS plus CNI_ARGS, CAP_ARGS, CNI_IFNAME as cnitool reads them. */
export function attachmentFromArgs(p: ParsedArgs, env: NodeJS.ProcessEnv, needNetns: boolean): AttachmentRequest {
  const [network, netns] = p.positional;
  if (!network || (needNetns && !netns)) throw new CniError(ErrorCode.InvalidEnv, `usage: tscni ${p.command} NAME NETNS`);
  let capabilityArgs: Record<string, unknown> | undefined;
  if (env.CAP_ARGS) {
    try {
      capabilityArgs = JSON.parse(env.CAP_ARGS) as Record<string, unknown>;
    } catch (e) {
      throw new CniError(ErrorCode.DecodeFailure, `CAP_ARGS is not valid JSON: ${(e as Error).message}`);
    }
  }
  const netnsPath = netns ? resolve(netns) : "";
  const req: AttachmentRequest = {
    network,
    containerId: flag(p, "container") ?? cnitoolContainerId(netnsPath),
    ifName: flag(p, "ifname") || env.CNI_IFNAME || "eth0",
    netns: netnsPath,
  };
  if (env.CNI_ARGS) req.cniArgs = parseCniArgsPairs(env.CNI_ARGS);
  if (capabilityArgs) req.capabilityArgs = capabilityArgs;
  return req;
}
