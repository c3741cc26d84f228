/** The CNI_* variables a runtime sets for one plugin call. */
export interface CniEnv {
  command: string;
  containerId?: string;
  netns?: string;
  ifname?: string;
  /** CNI_ARGS as pairs; joined "K=V;K=V". */
  args?: ReadonlyArray<readonly [string, string]>;
  path: readonly string[];
}

const CNI_KEYS = ["CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"] as const;

/**
 * Build a child environment: `base` with every CNI_* variable replaced by `cni`.
 * Variables a verb does not carry are removed, not inherited (a runtime must not
 * leak its own CNI_CONTAINERID into a STATUS call).
 */
export function buildCniEnv(base: NodeJS.ProcessEnv, cni: CniEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of CNI_KEYS) delete env[k];
  env.CNI_COMMAND = cni.command;
  env.CNI_PATH = cni.path.join(":");
  if (cni.containerId !== undefined) env.CNI_CONTAINERID = cni.containerId;
  if (cni.netns !== undefined) env.CNI_NETNS = cni.netns;
  if (cni.ifname !== undefined) env.CNI_IFNAME = cni.ifname;
  if (cni.args !== undefined && cni.args.length > 0) env.CNI_ARGS = cni.args.map(([k, v]) => `${k}=${v}`).join(";");
  return env;
}
