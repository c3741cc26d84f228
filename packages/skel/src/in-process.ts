import { run, type Outcome } from "./dispatch.js";
import type { Plugin } from "./plugin.js";

export interface DispatchInput {
  env: Record<string, string | undefined>;
  stdin?: string | Buffer;
}

/** The executable's behaviour without a process: for tests and embedding. */
export async function dispatch(plugin: Plugin, input: DispatchInput): Promise<Outcome & { stderr: string }> {
  let stderr = "";
  const stdin = typeof input.stdin === "string" ? Buffer.from(input.stdin) : (input.stdin ?? Buffer.alloc(0));
  const out = await run(plugin, { env: input.env, stdin: () => stdin, stderr: (s) => void (stderr += s) });
  return { ...out, stderr };
}
