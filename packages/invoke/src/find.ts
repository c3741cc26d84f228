import { statSync } from "node:fs";
import { join } from "node:path";
import { CniError, ErrorCode } from "@tscni/types/errors";

/** Split a CNI_PATH value (colon-separated, empty entries ignored). */
export function splitCniPath(value: string | undefined): string[] {
  return (value ?? "").split(":").filter((d) => d !== "");
}

/**
 * Find an executable plugin named `type` in `dirs`, first match wins (as libcni's FindInPath).
 * Errors name every directory searched so an operator can see what is missing where. This
 * is where CNI_PATH is required: skel demands it of no verb, since only a plugin that finds
 * delegates needs it (code 4 when it is empty).
 */
export function findPlugin(type: string, dirs: readonly string[]): string {
  if (!type) throw new CniError(ErrorCode.InvalidConfig, "plugin type is missing");
  if (type.includes("/") || type === "." || type === "..") {
    throw new CniError(ErrorCode.InvalidConfig, `invalid plugin type ${JSON.stringify(type)}`, "a plugin type must be a file name, not a path");
  }
  if (dirs.length === 0) {
    throw new CniError(
      ErrorCode.InvalidEnv,
      `CNI_PATH is required to find delegate plugin ${JSON.stringify(type)} and is missing or empty`,
      "CNI_PATH lists the directories that hold CNI plugin executables, separated by ':'",
    );
  }
  for (const dir of dirs) {
    const full = join(dir, type);
    try {
      if (statSync(full).isFile()) return full;
    } catch {
      // not in this directory; keep looking
    }
  }
  throw new CniError(ErrorCode.NotAvailable, `failed to find plugin ${JSON.stringify(type)} in path [${dirs.join(" ")}]`);
}
