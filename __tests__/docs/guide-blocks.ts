/**
 * The deploy guide's blocks, read from the docs themselves (README.md, then docs/**\/*.md): each is the
 * fenced block right after a marker `<!-- guide-test: <name> -->`. A `sh` block is a list of commands (a
 * line ending in `\` goes on); a `jsonc` block is an edit of openclaw.config.json as the user types it. A
 * command whose comment says "AWS only" is one the docs say cannot run on the emulator.
 *
 * `guideScript` turns blocks into one bash session, as a user types them into one shell: every command
 * must succeed (a failure inside `$(...)` too, which `set -e` alone lets pass), each is framed by markers
 * in the output, `read` gets what the user would type, and an edit is merged into the configuration file.
 */
import fs from "node:fs";
import path from "node:path";
import { parseJsonc } from "../../src/config/load";
import { PROJECT_ROOT } from "../../scripts/lib/terraform-env";

export interface GuideCommand {
  readonly block: string;
  /** 1-based position in its block. */
  readonly index: number;
  readonly text: string;
  /** Why the docs say it cannot run on the emulator (its "AWS only" comment), if they do. */
  readonly awsOnly?: string;
}

export interface GuideBlock {
  readonly name: string;
  /** The doc it is in, relative to the project. */
  readonly file: string;
  readonly kind: "sh" | "jsonc";
  /** The commands of a `sh` block. */
  readonly commands: readonly GuideCommand[];
  /** The parsed object of a `jsonc` block. */
  readonly edit?: Record<string, unknown>;
}

/** A marker and its fenced block, both indented alike (a block inside a list item is indented). */
const MARKER = /^([ \t]*)<!-- guide-test: ([a-z0-9-]+) -->\n\1```(\w+)\n([\s\S]*?)\n\1```$/gm;
const ANY_MARKER = /^[ \t]*<!-- guide-test:/gm;
const AWS_ONLY = /\s#.*\bAWS only\b:?\s*(.*)$/;

/** The docs the guide may be in: README.md and every Markdown file under docs/. */
export function guideDocs(root = PROJECT_ROOT): string[] {
  const docsDir = path.join(root, "docs");
  const docs = fs.existsSync(docsDir)
    ? (fs.readdirSync(docsDir, { recursive: true }) as string[]).filter((file) => file.endsWith(".md")).sort().map((file) => path.join(docsDir, file))
    : [];
  return [path.join(root, "README.md"), ...docs];
}

/** The commands of a `sh` block: one per line, `\` continuing a line, blank lines and whole-line comments left out. */
export function commandsOf(block: string, body: string): GuideCommand[] {
  const commands: GuideCommand[] = [];
  let pending = "";
  for (const line of body.split("\n")) {
    if (!pending && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)}\n`;
      continue;
    }
    const text = (pending + line).trim();
    pending = "";
    const awsOnly = AWS_ONLY.exec(text)?.[1];
    commands.push({ block, index: commands.length + 1, text, ...(awsOnly !== undefined ? { awsOnly: awsOnly || "AWS only" } : {}) });
  }
  if (pending) throw new Error(`guide block ${block}: its last line ends in \\`);
  return commands;
}

/** Every marked block of the docs by name; a marker without its block, or a name used twice, is an error. */
export function readGuide(root = PROJECT_ROOT): Map<string, GuideBlock> {
  const blocks = new Map<string, GuideBlock>();
  for (const doc of guideDocs(root)) {
    if (!fs.existsSync(doc)) continue;
    const text = fs.readFileSync(doc, "utf8");
    const file = path.relative(root, doc);
    const found = [...text.matchAll(MARKER)];
    const markers = text.match(ANY_MARKER)?.length ?? 0;
    if (found.length !== markers) throw new Error(`${file}: ${markers - found.length} guide-test marker(s) not followed by a fenced block on the next line`);
    for (const [, indent, name, kind, indented] of found) {
      const body = indented
        .split("\n")
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join("\n");
      if (blocks.has(name)) throw new Error(`guide block ${name} is marked twice (${blocks.get(name)!.file} and ${file})`);
      if (kind !== "sh" && kind !== "jsonc") throw new Error(`guide block ${name} in ${file} is \`\`\`${kind}; a guide block is sh or jsonc`);
      blocks.set(
        name,
        kind === "sh"
          ? { name, file, kind, commands: commandsOf(name, body) }
          : { name, file, kind, commands: [], edit: parseJsonc(body) as Record<string, unknown> },
      );
    }
  }
  return blocks;
}

/** What a bash session of the guide needs besides its blocks. */
export interface ScriptOptions {
  /** A file the session's failures are written to (by the ERR trap, also from inside `$(...)`). */
  readonly failures: string;
  /** What the user types at a `read` prompt. */
  readonly typed: string;
  /** Writes the edit of a `jsonc` block to a file and returns the command that merges it into openclaw.config.json. */
  readonly mergeCommand: (block: GuideBlock) => string;
}

/** One framed command of the session: its markers carry the block name and index. */
const frame = (id: string, command: string, input: string) =>
  [
    `printf '\\n### guide-step %s\\n' ${quote(id)}`,
    "GUIDE_STARTED=${EPOCHREALTIME/[.,]/}",
    `{ ${command}\n} ${input}`,
    `if [ -s "$GUIDE_FAILURES" ]; then printf '### guide-failed %s\\n' ${quote(id)}; exit 97; fi`,
    `printf '\\n### guide-done %s %s\\n' ${quote(id)} "$(( (\${EPOCHREALTIME/[.,]/} - GUIDE_STARTED) / 1000 ))"`,
  ].join("\n");

/** A bash script that runs the blocks in order, skipping the commands the docs mark "AWS only". */
export function guideScript(blocks: readonly GuideBlock[], { failures, typed, mergeCommand }: ScriptOptions): string {
  const lines = [
    "set -eEuo pipefail",
    "shopt -s inherit_errexit",
    `GUIDE_FAILURES=${quote(failures)}`,
    `GUIDE_TYPED=${quote(typed)}`,
    `trap 'printf "%s\\n" "$BASH_COMMAND" >> "$GUIDE_FAILURES"' ERR`,
  ];
  for (const block of blocks) {
    if (block.kind === "jsonc") {
      lines.push(frame(`${block.name}#edit`, mergeCommand(block), "< /dev/null"));
      continue;
    }
    for (const command of block.commands) {
      if (command.awsOnly !== undefined) continue;
      lines.push(frame(`${block.name}#${command.index}`, command.text, /^read\s/.test(command.text) ? '<<< "$GUIDE_TYPED"' : "< /dev/null"));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A word for bash in single quotes. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The output of a session cut at its step markers: what each step printed, and its milliseconds when it finished. */
export function stepsOf(output: string): Map<string, { output: string; ms?: number }> {
  const steps = new Map<string, { output: string; ms?: number }>();
  let current: string | undefined;
  for (const line of output.split("\n")) {
    const started = /^### guide-step (\S+)$/.exec(line);
    const done = /^### guide-done (\S+) (\d+)$/.exec(line);
    if (started) {
      current = started[1];
      steps.set(current, { output: "" });
    } else if (done) {
      steps.get(done[1])!.ms = Number(done[2]);
      current = undefined;
    } else if (current) {
      steps.get(current)!.output += `${line}\n`;
    }
  }
  return steps;
}
