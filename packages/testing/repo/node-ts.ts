import { bunPath, SOURCE_CONDITION } from "@tscni/build";

/**
 * argv that runs one of this repository's TypeScript files under node, the way `pnpm build`
 * and the tests do: through tsx, with our packages resolved to their source.
 */
export function nodeTs(script: string, ...args: string[]): string[] {
  return [process.execPath, `--conditions=${SOURCE_CONDITION}`, "--import", "tsx", script, ...args];
}

/** The same under the pinned bun (which runs TypeScript itself). */
export function bunTs(script: string, ...args: string[]): string[] {
  return [bunPath(), `--conditions=${SOURCE_CONDITION}`, script, ...args];
}
