import type { AnyPlugin, EarlyWork, PluginEntry } from "./plugin.js";
import { run, type Outcome } from "./run.js";

export interface DispatchInput {
  env: Record<string, string | undefined>;
  stdin?: string | Buffer;
}

/** The executable's behaviour without a process (early hook included): for tests and embedding. */
export async function dispatch<E extends EarlyWork>(target: AnyPlugin<E> | PluginEntry<E>, input: DispatchInput): Promise<Outcome & { stderr: string }> {
  let stderr = "";
  const stdin = typeof input.stdin === "string" ? Buffer.from(input.stdin) : (input.stdin ?? Buffer.alloc(0));
  const out = await run(target, { env: input.env, stdin: () => stdin, stderr: (s) => void (stderr += s) });
  return { ...out, stderr };
}
