// The full suite runs its files in parallel (jest.config.js, maxWorkers). On a fresh clone jest knows no
// durations, so it would start files by size: these, the longest (seconds in CI on a 2-core machine,
// 2026-12-04: systemd-boot 694, guide 459, examples 328, default deployment 280, ...), start first so the
// workers end together. With a cache of the last run's durations jest's own order is the same.
const Sequencer = require("@jest/test-sequencer").default;

const LONGEST_FIRST = [
  "hosts/systemd-boot.test.ts",
  "e2e/guide.test.ts",
  "e2e/examples.test.ts",
  "e2e/default-deployment.test.ts",
  "hosts/control-ui.test.ts",
  "hosts/install-openclaw.test.ts",
  "hosts/openclaw-e2e.test.ts",
  "terraform/plan.test.ts",
  "terraform/scale.test.ts",
  "hosts/openclaw-plugins.test.ts",
  "hosts/channel-secrets.test.ts",
  "hosts/validators.test.ts",
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const index = LONGEST_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
