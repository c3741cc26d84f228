import { randomBytes } from "node:crypto";

// Two test runs on one machine (a CI job and a developer's run, or two worktrees) use the
// same prefixes; the run token keeps their names apart, so one run's leftovers check never
// sees the other's namespaces. Child processes inherit it through the environment, so a
// sandbox a killed child made is still this run's to find.
const RUN_TOKEN_ENV = "TSCNI_TEST_RUN";

/** This run's token (4 hex digits), made once and shared with child processes. */
export function runToken(): string {
  const inherited = process.env[RUN_TOKEN_ENV];
  if (inherited && /^[0-9a-f]{4}$/.test(inherited)) return inherited;
  const token = randomBytes(2).toString("hex");
  process.env[RUN_TOKEN_ENV] = token;
  return token;
}

/** The start of every name this run makes under a test's prefix. */
export function runPrefix(prefix: string): string {
  return `${prefix}${runToken()}`;
}

/** prefix + run token + role + random suffix. */
export function uniqueName(prefix: string, role = ""): string {
  return `${runPrefix(prefix)}${role}${randomBytes(3).toString("hex")}`;
}
