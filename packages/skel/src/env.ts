import { CniError, ErrorCode } from "@tscni/types/errors";
import { validateContainerId, validateIfName } from "./names.js";
import { ENV_NEEDS, missingEnv } from "./precheck.js";

export const VERBS = ["ADD", "DEL", "CHECK", "STATUS", "GC", "VERSION", "INIT", "DEINIT"] as const;
export type Verb = (typeof VERBS)[number];

/** The CNI_* environment after per-verb validation. Container fields are "" for verbs without them. */
export interface CmdEnv {
  command: Verb;
  containerId: string;
  netns: string;
  ifname: string;
  cniArgs: string;
  path: string[];
  netnsOverride: boolean;
}

export function readCmdEnv(env: Record<string, string | undefined>): CmdEnv {
  const raw = env.CNI_COMMAND ?? "";
  if (raw === "") throw new CniError(ErrorCode.InvalidEnv, "required env variables [CNI_COMMAND] missing");
  if (!(VERBS as readonly string[]).includes(raw)) throw new CniError(ErrorCode.InvalidEnv, `unknown CNI_COMMAND: ${raw}`, `CNI_COMMAND must be one of ${VERBS.join(", ")}`);
  const command = raw as Verb;

  const missing = missingEnv(env, command);
  if (missing.length > 0) throw new CniError(ErrorCode.InvalidEnv, `required env variables [${missing.join(",")}] missing`);
  // A variable the verb does not take reads as "": STATUS never sees a stray CNI_CONTAINERID.
  const get = (name: string): string => (ENV_NEEDS[name]![command] ? (env[name] ?? "") : "");
  const containerId = get("CNI_CONTAINERID");
  const netns = get("CNI_NETNS");
  const ifname = get("CNI_IFNAME");
  const path = get("CNI_PATH");

  if (ENV_NEEDS.CNI_CONTAINERID![command]) validateContainerId(containerId);
  if (ENV_NEEDS.CNI_IFNAME![command]) validateIfName(ifname);

  const override = (env.CNI_NETNS_OVERRIDE ?? "").toUpperCase();
  return {
    command,
    containerId,
    netns,
    ifname,
    cniArgs: env.CNI_ARGS ?? "",
    path: path.split(":").filter((p) => p !== ""),
    netnsOverride: override === "TRUE" || override === "1",
  };
}
