import { dispatch } from "@tscni/skel";
import type { ExecOutput } from "./exec.js";
import type { EmbeddedPlugin } from "./registry.js";

/** Run an embedded plugin as its executable would run: same env and stdin, output as an exec's. */
export async function runEmbedded(e: EmbeddedPlugin, env: NodeJS.ProcessEnv, stdin: string | Buffer): Promise<ExecOutput> {
  const out = await dispatch(await e.load(), { env, stdin });
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode, signal: null };
}
