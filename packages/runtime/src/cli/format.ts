import { ErrorCode, isCniError } from "@tscni/types";
import { PluginError } from "../invoke.js";
import type { ExecEvent } from "../options.js";

export function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

/** One line per plugin exec: "  ADD bridge           12.3 ms". */
export function formatEvent(e: ExecEvent): string {
  const what = `${e.command} ${e.plugin}`.padEnd(24);
  const lifecycle = (e.command === "INIT" || e.command === "DEINIT") && e.error && (e.error.code === ErrorCode.UnknownContainer || e.error.code === ErrorCode.InvalidEnv);
  const tail = lifecycle ? `  (answered ${e.error!.code}: "${e.error!.msg}" -> checking whether INIT/DEINIT is supported)` : e.error ? `  error ${e.error.code}: ${e.error.msg}` : "";
  return `    ${what} ${ms(e.ms).padStart(8)}${tail}`;
}

/** The error as the user sees it: code, plugin and verb, message, details. */
export function formatError(e: unknown): string {
  if (!isCniError(e)) return `error: ${(e as Error)?.message ?? String(e)}`;
  const where = e instanceof PluginError ? ` (plugin ${e.index} "${e.plugin}", ${e.command})` : "";
  const cleanup = e instanceof PluginError && e.cleanupError ? `\n  the DEL that undid the chain failed too: error ${e.cleanupError.code}: ${e.cleanupError.message}` : "";
  return `error ${e.code}${where}: ${e.message}${e.details ? `\n  details: ${e.details}` : ""}${cleanup}`;
}

export function errorJson(e: unknown): Record<string, unknown> {
  if (!isCniError(e)) return { code: ErrorCode.Internal, msg: String((e as Error)?.message ?? e) };
  const out: Record<string, unknown> = { code: e.code, msg: e.message };
  if (e.details) out.details = e.details;
  if (e instanceof PluginError) Object.assign(out, { plugin: e.plugin, command: e.command, index: e.index });
  if (e instanceof PluginError && e.cleanupError) out.cleanup = { code: e.cleanupError.code, msg: e.cleanupError.message };
  return out;
}

/** "10.1.0.2/24 via 10.1.0.1 on eth0" lines from a result. */
export function summariseResult(result: Record<string, unknown> | undefined): string[] {
  if (!result) return ["(no result)"];
  const ifaces = Array.isArray(result.interfaces) ? (result.interfaces as Array<{ name?: string; sandbox?: string }>) : [];
  const ips = Array.isArray(result.ips) ? (result.ips as Array<{ address?: string; gateway?: string; interface?: number }>) : [];
  const lines = ips.map((ip) => {
    const iface = ip.interface !== undefined ? ifaces[ip.interface]?.name : undefined;
    return `${ip.address}${ip.gateway ? ` via ${ip.gateway}` : ""}${iface ? ` on ${iface}` : ""}`;
  });
  return lines.length > 0 ? lines : [`interfaces: ${ifaces.map((i) => i.name).join(", ") || "none"}`];
}
