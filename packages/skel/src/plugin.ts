import type * as z from "zod/mini";
import type { Result } from "@tscni/types";
import type { Verb } from "./env.js";
import type { Logger } from "./logger.js";

/** What a handler gets. Container fields are "" for STATUS, GC, INIT and DEINIT. */
export interface Context<C, E extends EarlyWork = EarlyWork> {
  command: Verb;
  containerId: string;
  netns: string;
  ifname: string;
  /** CNI_ARGS as given. */
  cniArgs: string;
  /** CNI_ARGS parsed (`K=V;K=V`); throws code 4 on a malformed pair, only when read. */
  readonly args: Array<[string, string]>;
  path: string[];
  /** The plugin's config, validated by its schema. */
  config: C;
  /** config.prevResult converted to the current (1.1.0) result shape. */
  prevResult: Result | undefined;
  stdin: Buffer;
  env: Record<string, string | undefined>;
  log: Logger;
  /** The plugin's stderr as it is (a delegate's stderr is forwarded here); logs go through `log`. */
  stderr: (text: string) => void;
  /**
   * What the plugin's early hook started for this call, if anything. From the first call
   * on, the handler owns it: skel no longer releases it, so undo it on the handler's own
   * failure paths. Claim it where the handler takes it over, not before: work left
   * unclaimed when the call ends is released by skel.
   */
  claimEarly(): E | undefined;
}

type Handler<C, R, E extends EarlyWork> = (ctx: Context<C, E>) => Promise<R> | R;

/**
 * Work an early hook started (an exec, a delegate call). `release()` undoes whatever it did
 * that the call's answer would have to report (an IPAM reservation); skel calls it when
 * the call ends without the handler having claimed the work. It must not throw for work
 * that failed or never ran.
 */
export interface EarlyWork {
  release(): Promise<void> | void;
}

/**
 * The call as skel has checked it before the plugin loads: every env rule of the verb,
 * stdin decoded as a JSON object with a valid network name, a version the plugin speaks,
 * and (ADD, CHECK, DEL) CNI_NETNS not the plugin's own netns. `config` is raw: the
 * plugin's schema has not seen it yet. Never VERSION.
 */
export interface EarlyCall {
  command: Exclude<Verb, "VERSION">;
  containerId: string;
  netns: string;
  ifname: string;
  cniArgs: string;
  path: string[];
  /** The config's cniVersion ("0.1.0" when it has none, as for the handler). */
  cniVersion: string;
  config: Readonly<Record<string, unknown>>;
  stdin: Buffer;
  env: Record<string, string | undefined>;
  stderr: (text: string) => void;
}

/**
 * Starts work that needs only the env and the raw config, before the plugin's modules
 * and schema load; returns it for the handler (`ctx.claimEarly()`), or undefined. Keep
 * it to light imports (import the rest inside it): it runs on every call but VERSION.
 * Problems the handler would report should stay inside the work (a delegate handle
 * reports its own when claimed); a hook that throws fails the call.
 */
export type EarlyHook<E extends EarlyWork = EarlyWork> = (call: EarlyCall) => E | undefined | Promise<E | undefined>;

export interface Plugin<S extends z.ZodMiniType = z.ZodMiniType, E extends EarlyWork = EarlyWork> {
  /** Printed to stderr when CNI_COMMAND is missing, e.g. "tscni bridge v0.1.0". */
  about?: string;
  /** Config versions accepted; default: every version the types package knows. */
  versions?: readonly string[];
  /** Runs before the config is validated (see EarlyHook); mostly given on a PluginEntry instead. */
  early?: EarlyHook<E>;
  /** Schema of the stdin config; must accept the common keys (extend netConfSchema). */
  config: S;
  add: Handler<z.infer<S>, Result, E>;
  del: Handler<z.infer<S>, void, E>;
  /**
   * Undoes an ADD that succeeded but whose result cannot be given in the config's version
   * (no IP for a 0.2.0 result). Missing: `del`. Set it when DEL would do more than undo
   * (loopback's DEL takes down an lo that may have been up before the ADD).
   */
  undoAdd?: Handler<z.infer<S>, void, E>;
  /** Missing: CHECK succeeds (nothing to verify). */
  check?: Handler<z.infer<S>, void, E>;
  /** Missing: STATUS succeeds (always available). */
  status?: Handler<z.infer<S>, void, E>;
  /** Missing: GC succeeds (nothing to collect). */
  gc?: Handler<z.infer<S>, void, E>;
  /** Missing: INIT answers code 4, which runtimes read as "not needed" (docs/lifecycle.md). */
  init?: Handler<z.infer<S>, void, E>;
  /** Missing: DEINIT answers code 4, like INIT. */
  deinit?: Handler<z.infer<S>, void, E>;
}

/**
 * A plugin that loads on demand: what skel needs before loading it (the about line, the
 * versions VERSION answers with, the early hook) and how to load the rest. An executable
 * whose main.ts gives this to pluginMain evaluates only skel's light modules and this
 * object for VERSION, and loads `load()`'s modules after the early hook ran. Import the
 * plugin with a dynamic `import()`: both bundlers leave such a module unevaluated until
 * then.
 */
export interface PluginEntry<E extends EarlyWork = EarlyWork> {
  about?: string;
  /** Must equal the loaded plugin's list (VERSION answers from this one). Default: every version. */
  versions?: readonly string[];
  early?: EarlyHook<E>;
  load: () => Promise<AnyPlugin<E>>;
}

/** A plugin with any config schema. */
export type AnyPlugin<E extends EarlyWork = EarlyWork> = Plugin<any, E>;
