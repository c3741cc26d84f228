import { CniError, ErrorCode } from "@tscni/types";
import { validateContainerId, validateIfName } from "./names.js";

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

type Need = "required" | "optional";
// Which variables each verb needs (SPEC.md "Parameters"; INIT/DEINIT from LIFECYCLE.md).
const NEEDS: Record<string, Partial<Record<Verb, Need>>> = {
  CNI_CONTAINERID: { ADD: "required", CHECK: "required", DEL: "required" },
  CNI_NETNS: { ADD: "required", CHECK: "required", DEL: "optional" },
  CNI_IFNAME: { ADD: "required", CHECK: "required", DEL: "required" },
  CNI_PATH: { ADD: "required", CHECK: "required", DEL: "required", GC: "required", STATUS: "required", INIT: "required", DEINIT: "required" },
};

export function readCmdEnv(env: Record<string, string | undefined>): CmdEnv {
  const raw = env.CNI_COMMAND ?? "";
  if (raw === "") throw new CniError(ErrorCode.InvalidEnv, "required env variables [CNI_COMMAND] missing");
  if (!(VERBS as readonly string[]).includes(raw)) throw new CniError(ErrorCode.InvalidEnv, `unknown CNI_COMMAND: ${raw}`);
  const command = raw as Verb;

  const missing: string[] = [];
  // A variable the verb does not take reads as "": STATUS never sees a stray CNI_CONTAINERID.
  const get = (name: string): string => {
    const need = NEEDS[name]?.[command];
    const v = need ? (env[name] ?? "") : "";
    if (v === "" && need === "required") missing.push(name);
    return v;
  };
  const containerId = get("CNI_CONTAINERID");
  const netns = get("CNI_NETNS");
  const ifname = get("CNI_IFNAME");
  const path = get("CNI_PATH");
  if (missing.length > 0) throw new CniError(ErrorCode.InvalidEnv, `required env variables [${missing.join(",")}] missing`);

  if (NEEDS.CNI_CONTAINERID![command]) validateContainerId(containerId);
  if (NEEDS.CNI_IFNAME![command]) validateIfName(ifname);

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
