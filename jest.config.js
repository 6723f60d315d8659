/** @type {import('jest').Config} */
module.exports = {
  // Node's, with a temp folder per test file, removed after it (__tests__/temp-dir-environment.cjs).
  testEnvironment: "<rootDir>/__tests__/temp-dir-environment.cjs",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types only; `npm run typecheck` is the type check.
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // A hang guard, not a speed check: a loaded 2-core machine must meet it with room to spare.
  testTimeout: 180_000,
  reporters: ["default", "<rootDir>/__tests__/jest-summary-reporter.cjs"],
  // Most long suites wait on something real (Terraform and moto, a container's boot, npm, a browser), so
  // three at a time on 2 cores finish sooner than one; every suite owns its emulator, folders and ports.
  maxWorkers: 3,
  testSequencer: "<rootDir>/__tests__/heavy-first-sequencer.cjs",
  // Offline Terraform CLI config + one moto_server for the plans and deployments (stopped by PID after).
  globalSetup: "<rootDir>/__tests__/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/global-teardown.ts",
};
