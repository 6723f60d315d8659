import * as fs from "node:fs";
import { NODE_PINS, NPM_PIN, OPENCLAW_LOCK_FILE, OPENCLAW_PIN, PNPM_PINS, isPinned, pluginPin, tarballUrl } from "../../src/config/pins";

type LockEntry = { version: string; resolved?: string; integrity?: string; inBundle?: boolean; os?: string[]; cpu?: string[]; libc?: string[] };
const lock = JSON.parse(fs.readFileSync(OPENCLAW_LOCK_FILE, "utf8")) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages).filter(([key]) => key !== "");

describe("the install pins (src/config/versions.json) and OpenClaw's lock", () => {
  it("pins every package the hosts download by a sha512 integrity", () => {
    for (const pin of [OPENCLAW_PIN, NPM_PIN, ...Object.values(NODE_PINS), ...Object.values(PNPM_PINS), ...["@openclaw/discord", "@openclaw/slack", "@openclaw/whatsapp"].map(pluginPin)]) {
      expect({ name: pin.name, pinned: isPinned(pin) }).toEqual({ name: pin.name, pinned: true });
    }
    expect(NODE_PINS.x86_64.version).toBe(NODE_PINS.arm64.version);
    expect(tarballUrl(PNPM_PINS.arm64)).toBe(`https://registry.npmjs.org/@pnpm/exe.linux-arm64/-/exe.linux-arm64-${PNPM_PINS.arm64.version}.tgz`);
  });

  it("marks the Bedrock plugin, which the registry here does not serve, as UNPINNED rather than leaving it out", () => {
    const bedrock = pluginPin("@openclaw/amazon-bedrock-provider");
    expect(isPinned(bedrock) || bedrock.integrity.startsWith("UNPINNED: ")).toBe(true);
  });

  it("locks the pinned openclaw, and every other package with its resolved URL and sha512", () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages["node_modules/openclaw"]).toMatchObject({ version: OPENCLAW_PIN.version, integrity: OPENCLAW_PIN.integrity });
    // Bundled packages come inside openclaw's own (checked) tarball.
    const unchecked = entries.filter(([, pkg]) => !pkg.inBundle && !(pkg.resolved?.startsWith("https://registry.npmjs.org/") && /^sha512-/.test(pkg.integrity ?? "")));
    expect(unchecked.map(([key]) => key)).toEqual([]);
  });

  it("holds the arm64 native packages beside the x64 ones (a lock made on x86_64 installs on arm64 hosts)", () => {
    const linux = (cpu: string) => entries.filter(([, pkg]) => pkg.os?.includes("linux") && pkg.cpu?.includes(cpu) && !pkg.libc?.includes("musl")).map(([key]) => key);
    const x64 = linux("x64");
    expect(x64.length).toBeGreaterThan(0);
    expect(linux("arm64").sort()).toEqual(x64.map((key) => key.replace("x64", "arm64")).sort());
  });
});
