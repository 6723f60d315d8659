/**
 * The guide reader and its bash session (guide-blocks.ts), on docs written here: what the guide test
 * (e2e/guide.test.ts) takes from the README, and how its session fails.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { guideScript, readGuide, stepsOf, type GuideBlock } from "./guide-blocks";

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "guide-blocks-"));
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const fence = "```";

function writeDocs(readme: string, docs: Record<string, string> = {}): void {
  fs.writeFileSync(path.join(root, "README.md"), readme);
  for (const [name, text] of Object.entries(docs)) {
    fs.mkdirSync(path.dirname(path.join(root, "docs", name)), { recursive: true });
    fs.writeFileSync(path.join(root, "docs", name), text);
  }
}

/** Runs a session of these blocks in `root`; returns its exit code, output and failures file. */
function runSession(blocks: GuideBlock[]) {
  const failures = path.join(root, "failures");
  const script = guideScript(blocks, { failures, typed: "typed secret", mergeCommand: (block) => `echo merged ${block.name} > merged.txt` });
  const result = spawnSync("bash", ["-c", script], { cwd: root, encoding: "utf8" });
  return { code: result.status, output: result.stdout + result.stderr, failures: fs.existsSync(failures) ? fs.readFileSync(failures, "utf8") : "" };
}

describe("readGuide", () => {
  it("reads the marked blocks of README.md and docs/ (indented ones too), commands by line, and the AWS-only comments", () => {
    writeDocs(
      [
        "Some prose with `<!-- guide-test: not-a-marker -->` inline.",
        "<!-- guide-test: first -->",
        `${fence}sh`,
        "# a comment line",
        "echo one   # says one",
        "",
        "echo two \\",
        "  and more   # AWS only: needs a real account",
        fence,
        "1. A list item:",
        "",
        "   <!-- guide-test: edit -->",
        `   ${fence}jsonc`,
        '   { "a": { "b": [1, 2] } } // a comment',
        `   ${fence}`,
        `${fence}sh`,
        "echo unmarked",
        fence,
      ].join("\n"),
      { "guide/later.md": ["<!-- guide-test: later -->", `${fence}sh`, "echo later", fence].join("\n") },
    );
    const guide = readGuide(root);
    expect([...guide.keys()]).toEqual(["first", "edit", "later"]);
    expect(guide.get("first")!.commands).toEqual([
      { block: "first", index: 1, text: "echo one   # says one" },
      { block: "first", index: 2, text: "echo two \n  and more   # AWS only: needs a real account", awsOnly: "needs a real account" },
    ]);
    expect(guide.get("edit")).toMatchObject({ kind: "jsonc", edit: { a: { b: [1, 2] } }, commands: [] });
    expect(guide.get("later")).toMatchObject({ file: path.join("docs", "guide", "later.md") });
  });

  it("rejects a marker without its block, a name marked twice, and a block of another language", () => {
    writeDocs(["<!-- guide-test: lost -->", "", `${fence}sh`, "echo", fence].join("\n"));
    expect(() => readGuide(root)).toThrow("README.md: 1 guide-test marker(s) not followed by a fenced block");
    writeDocs(["<!-- guide-test: twice -->", `${fence}sh`, "echo", fence].join("\n"), { "a.md": ["<!-- guide-test: twice -->", `${fence}sh`, "echo", fence].join("\n") });
    expect(() => readGuide(root)).toThrow("guide block twice is marked twice");
    writeDocs(["<!-- guide-test: py -->", `${fence}python`, "print()", fence].join("\n"));
    expect(() => readGuide(root)).toThrow("a guide block is sh or jsonc");
  });
});

describe("guideScript", () => {
  const block = (name: string, ...commands: string[]): GuideBlock => ({
    name,
    file: "README.md",
    kind: "sh",
    commands: commands.map((text, index) => ({ block: name, index: index + 1, text, ...(/AWS only/.test(text) ? { awsOnly: "x" } : {}) })),
  });

  it("runs every command in one shell (exports carry on), skips the AWS-only ones, types at a read prompt, merges an edit, and times each step", () => {
    const edit: GuideBlock = { name: "edit", file: "README.md", kind: "jsonc", commands: [], edit: {} };
    const session = runSession([
      block("one", "export GREETING=hello   # a comment that would swallow a closing brace", "touch never   # AWS only: not here"),
      edit,
      block("two", "read -rsp 'Token: ' TOKEN && export TOKEN", 'echo "$GREETING $TOKEN"'),
    ]);
    expect(session.code).toBe(0);
    expect(fs.existsSync(path.join(root, "never"))).toBe(false);
    expect(fs.readFileSync(path.join(root, "merged.txt"), "utf8")).toBe("merged edit\n");
    const steps = stepsOf(session.output);
    expect([...steps.keys()]).toEqual(["one#1", "edit#edit", "two#1", "two#2"]);
    expect(steps.get("two#2")!.output).toContain("hello typed secret");
    expect([...steps.values()].every((step) => Number.isInteger(step.ms))).toBe(true);
  });

  it("fails at a failing command, and at one that fails inside $(...), where set -e alone would go on", () => {
    const plain = runSession([block("a", "true", "false", "echo after")]);
    expect(plain.code).not.toBe(0);
    expect([...stepsOf(plain.output)].map(([id, step]) => [id, step.ms !== undefined])).toEqual([
      ["a#1", true],
      ["a#2", false],
    ]);
    const inside = runSession([block("b", 'eval "$(false; echo echo hidden)"', "echo after")]);
    expect(inside.code).toBe(97);
    expect(inside.failures).toContain("false");
    expect(inside.output).toContain("### guide-failed b#1");
    expect(inside.output).not.toContain("after");
  });
});
