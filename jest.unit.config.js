/**
 * The unit tier, `npm run test:unit`: configuration, constructs, stacks, cost, the policy evaluator and
 * the host renderings, as synthesized in-process. No emulator, Terraform, container, browser or OpenClaw:
 * a test that needs one is named `*.emulator.test.ts` or `*.terraform.test.ts`, or lives in a folder of
 * the full suite (`npm test`), which runs everything.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    "<rootDir>/__tests__/{config,constructs,stacks,cost,policy}/**/*.test.ts",
    "<rootDir>/__tests__/hosts/{render,layout,node}.test.ts",
  ],
  testPathIgnorePatterns: ["/node_modules/", "\\.(emulator|terraform)\\.test\\.ts$"],
  globalSetup: undefined,
  globalTeardown: undefined,
};
