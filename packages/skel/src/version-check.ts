import { CniError, ErrorCode } from "@tscni/types/errors";
import { compareVersions } from "@tscni/types/version";
import type { Verb } from "./env.js";

// Oldest config version that may carry each verb (SPEC.md: CHECK from 0.4.0, STATUS and GC from 1.1.0).
const MIN_VERSION: Partial<Record<Verb, string>> = { CHECK: "0.4.0", STATUS: "1.1.0", GC: "1.1.0" };

/** Refuses (code 1) a config version the plugin does not speak, or one too old for the verb. */
export function checkVersion(command: Verb, configVersion: string, supported: readonly string[]): void {
  const min = MIN_VERSION[command];
  if (min !== undefined && compareVersions(configVersion, min) < 0)
    throw new CniError(ErrorCode.IncompatibleVersion, `config version does not allow ${command}`, `config is "${configVersion}", ${command} needs ${min} or later`);
  if (!supported.includes(configVersion))
    throw new CniError(ErrorCode.IncompatibleVersion, "incompatible CNI versions", `config is "${configVersion}", plugin supports [${supported.join(" ")}]`);
}
