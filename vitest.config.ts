import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { sourceConditions } from "./test/setup/source-conditions.js";

// CI asks for a JSON report by naming its file (pnpm 12 would swallow a --reporter flag).
const jsonReport = process.env.TSCNI_JSON_REPORT;

/**
 * Run a second time against the multi-call file (dist/multi/<name>, hard links of
 * dist/bin/tscni-plugins; @tscni/testing/repo's distPath): both demos and the tests that run our
 * plugins next to Go's, or drive them through the runtime or the CLI. Not here:
 * packages/runtime/test/go-plugins.test.ts and packages/net/test/go-interop.test.ts run no
 * executable of ours (the runtime or @tscni/net in-process, with Go's plugins), so a second run
 * would repeat them unchanged.
 */
const MULTI_CALL_FILES = [
  "test/test-plugins.test.ts",
  "test/e2e/*.test.ts",
  "plugins/bridge/test/delegate-interop.test.ts",
  "plugins/bridge/test/errors-interop.test.ts",
  "plugins/host-local/test/interop.test.ts",
  "plugins/host-local/test/owner-index-interop.test.ts",
  "plugins/loopback/test/loopback.test.ts",
  "plugins/cluster-ipam/test/demo.test.ts",
  "packages/runtime/test/cli.test.ts",
];

const shared: NonNullable<TestProjectInlineConfiguration["test"]> = {
  exclude: ["**/node_modules/**", "dist/**"],
  setupFiles: ["test/setup/fast-check-seed.ts"],
  // Network tests exec ip/nft and plugins: separate processes, two at a time on 2 cores.
  pool: "forks",
  maxWorkers: 2,
  fileParallelism: true,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (here for the global setup, below for each project).
  plugins: [sourceConditions()],
  test: {
    ...(jsonReport ? { reporters: ["default", "json"], outputFile: { json: jsonReport } } : {}),
    // Once for both projects: builds dist/bin, dist/node and dist/multi.
    globalSetup: ["packages/build/src/vitest-global-setup.ts"],
    maxWorkers: 2,
    teardownTimeout: 30_000,
    projects: [
      {
        plugins: [sourceConditions()],
        test: {
          ...shared,
          name: "single-file",
          include: ["packages/*/test/**/*.test.ts", "plugins/*/test/**/*.test.ts", "test/**/*.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        plugins: [sourceConditions()],
        test: {
          ...shared,
          name: "multi-call",
          include: MULTI_CALL_FILES,
          env: { TSCNI_TEST_PLUGINS: "multi" },
          // After the single-file project: the same files check leftovers under the same prefixes.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
