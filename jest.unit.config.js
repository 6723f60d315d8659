/**
 * The unit tier, `npm run test:unit`: configuration, constructs (the shared ones, each host role's,
 * monitoring), stacks, cost, the policy evaluator and the host renderings, as synthesized in-process. No
 * emulator, Terraform, container, browser or OpenClaw: a test that needs one is named
 * `*.emulator.test.ts`, `*.terraform.test.ts` or `*.openclaw.test.ts`, or lives in a folder of the full
 * suite (`npm test`), which runs everything.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    "<rootDir>/__tests__/{config,constructs,host,gateway,node,monitoring,stacks,cost,policy}/**/*.test.ts",
    "<rootDir>/__tests__/aws-environment.test.ts",
  ],
  testPathIgnorePatterns: ["/node_modules/", "\\.(emulator|terraform|openclaw)\\.test\\.ts$"],
  globalSetup: undefined,
  globalTeardown: undefined,
};
