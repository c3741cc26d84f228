import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // These tests create network namespaces: without root they stop here, with a message.
    globalSetup: ["@tscni/testing/require-root"],
    // Building the executable takes a few seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
