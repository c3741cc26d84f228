import { statSync } from "node:fs";
import { join } from "node:path";
import { CniError } from "@tscni/types";

/** Split a CNI_PATH value (colon-separated, empty entries ignored). */
export function splitCniPath(value: string | undefined): string[] {
  return (value ?? "").split(":").filter((d) => d !== "");
}

/**
 * Find an executable plugin named `type` in `dirs`, first match wins (as libcni's FindInPath).
 * Errors name every directory searched so an operator can see what is missing where.
 */
export function findPlugin(type: string, dirs: readonly string[]): string {
  if (!type) throw new CniError(7, "plugin type is missing");
  if (type.includes("/") || type === "." || type === "..") {
    throw new CniError(7, `invalid plugin type ${JSON.stringify(type)}: must be a file name, not a path`);
  }
  if (dirs.length === 0) throw new CniError(4, `cannot find plugin ${JSON.stringify(type)}: CNI_PATH is empty`);
  for (const dir of dirs) {
    const full = join(dir, type);
    try {
      if (statSync(full).isFile()) return full;
    } catch {
      // not in this directory; keep looking
    }
  }
  throw new CniError(50, `failed to find plugin ${JSON.stringify(type)} in path [${dirs.join(" ")}]`);
}
