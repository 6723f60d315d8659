import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The project folder (the one holding package.json), found from this module's location: the same
 * answer from src/ under jest and tsx and from the esbuild bundle in .build/ that `cdktf synth` runs.
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json above ${start}`);
  }
}
