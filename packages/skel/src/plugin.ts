import type * as z from "zod/mini";
import type { Result } from "@tscni/types";
import type { Verb } from "./env.js";
import type { Logger } from "./logger.js";

/** What a handler gets. Container fields are "" for STATUS, GC, INIT and DEINIT. */
export interface Context<C> {
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
}

type Handler<C, R> = (ctx: Context<C>) => Promise<R> | R;

export interface Plugin<S extends z.ZodMiniType = z.ZodMiniType> {
  /** Printed to stderr when CNI_COMMAND is missing, e.g. "tscni bridge v0.1.0". */
  about?: string;
  /** Config versions accepted; default: every version the types package knows. */
  versions?: readonly string[];
  /** Schema of the stdin config; must accept the common keys (extend netConfSchema). */
  config: S;
  add: Handler<z.infer<S>, Result>;
  del: Handler<z.infer<S>, void>;
  /**
   * Undoes an ADD that succeeded but whose result cannot be given in the config's version
   * (no IP for a 0.2.0 result). Missing: `del`. Set it when DEL would do more than undo
   * (loopback's DEL takes down an lo that may have been up before the ADD).
   */
  undoAdd?: Handler<z.infer<S>, void>;
  /** Missing: CHECK succeeds (nothing to verify). */
  check?: Handler<z.infer<S>, void>;
  /** Missing: STATUS succeeds (always available). */
  status?: Handler<z.infer<S>, void>;
  /** Missing: GC succeeds (nothing to collect). */
  gc?: Handler<z.infer<S>, void>;
  /** Missing: INIT answers code 4, which runtimes read as "not needed" (LIFECYCLE.md). */
  init?: Handler<z.infer<S>, void>;
  /** Missing: DEINIT answers code 4, like INIT. */
  deinit?: Handler<z.infer<S>, void>;
}
