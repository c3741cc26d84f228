// How this repository's vitest runs resolve: the "tscni-source" export condition first, so
// workspace packages are their TypeScript source and no test needs a compiled dist/
// (packages/CONTRACTS.md "Exports"), then Vite's server defaults. Applied to every Vite
// environment: the test files' and the one vitest loads globalSetup with in its own process;
// vitest hands them to its workers as node --conditions too (test/publish/source-resolution.test.ts).
export const SOURCE_CONDITIONS = ["tscni-source", "module", "node", "development|production"];

/** The Vite plugin that sets them. */
export const sourceConditions = () => ({ name: "tscni-source", configEnvironment: () => ({ resolve: { conditions: SOURCE_CONDITIONS } }) });
