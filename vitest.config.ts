import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "resource-types/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    setupFiles: ["test/support/ci-tools.ts"],
    hookTimeout: 120_000,
    // services (Docker, registries) are shared per machine; keep suites from fighting over them
    fileParallelism: true,
    maxWorkers: 2,
  },
});
