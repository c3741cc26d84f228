import { defineConfig } from "vitest/config";
import { sourceConditions } from "./test/setup/source-conditions.js";

// CI asks for a JSON report by naming its file (pnpm 12 would swallow a --reporter flag).
const jsonReport = process.env.TSCNI_JSON_REPORT;

export default defineConfig({
  // Workspace packages resolve to their TypeScript source.
  plugins: [sourceConditions()],
  test: {
    ...(jsonReport ? { reporters: ["default", "json"], outputFile: { json: jsonReport } } : {}),
    include: ["packages/*/test/**/*.test.ts", "plugins/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "dist/**"],
    globalSetup: ["packages/build/src/vitest-global-setup.ts"],
    setupFiles: ["test/setup/fast-check-seed.ts"],
    // Network tests exec ip/nft and plugins: separate processes, two at a time on 2 cores.
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
