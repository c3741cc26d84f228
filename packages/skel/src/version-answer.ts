import { CURRENT_VERSION, compareVersions } from "@tscni/types/version";

/**
 * VERSION's answer: the version its input asked about (`{"cniVersion": ...}`, echoed as
 * SPEC.md "VERSION" shows) or else the highest supported, and the supported list. Only
 * JSON.parse: VERSION is every plugin's start-up cost, so no schema is built here.
 * `stdin` gives undefined, or throws, when there is nothing to read.
 */
export function versionAnswer(stdin: () => Buffer | undefined, versions: readonly string[]): string {
  return JSON.stringify({ cniVersion: versionAsked(stdin) ?? highest(versions), supportedVersions: versions });
}

function versionAsked(stdin: () => Buffer | undefined): string | undefined {
  try {
    const v = (JSON.parse(stdin()?.toString("utf8") ?? "") as { cniVersion?: unknown } | null)?.cniVersion;
    return typeof v === "string" && v !== "" ? v : undefined;
  } catch {
    return undefined;
  }
}

function highest(versions: readonly string[]): string {
  return versions.reduce((a, b) => (compareVersions(b, a) > 0 ? b : a), versions[0] ?? CURRENT_VERSION);
}
