/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types only; `npm run typecheck` is the type check.
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // A hang guard, not a speed check: a loaded 2-core machine must meet it with room to spare.
  testTimeout: 180_000,
  reporters: ["default", "<rootDir>/__tests__/jest-summary-reporter.cjs"],
  // Offline Terraform CLI config + one moto_server for the plans and deployments (stopped by PID after).
  globalSetup: "<rootDir>/__tests__/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/global-teardown.ts",
};
