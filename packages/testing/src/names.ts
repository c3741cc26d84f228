import { randomBytes } from "node:crypto";

/** prefix + role + random suffix, short enough for interface names derived from it. */
export function uniqueName(prefix: string, role = ""): string {
  return `${prefix}${role}${randomBytes(3).toString("hex")}`;
}
