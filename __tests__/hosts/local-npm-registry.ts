/**
 * A tiny npm registry on loopback for the host tests: it serves the packuments and tarballs of the
 * npm-pack tarballs it is given, and answers 404 for everything else (as the real registry does for a
 * package it does not have). Point npm or `openclaw plugins install` at it with
 * `npm_config_registry=<url>`. It records every request so a test can show what was asked for.
 * It answers from the test's event loop: run the programs that use it asynchronously, never with
 * spawnSync/execFileSync (they would wait for an answer that can never come).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

export interface LocalNpmRegistry {
  /** Base URL with a trailing slash, as npm expects it in `registry`. */
  readonly url: string;
  /** "METHOD /path" of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

interface PackageVersion {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
  fileName: string;
}

/** package/package.json of an npm-pack tarball, read with the system tar. */
function manifestOf(tarballPath: string): PackageVersion["manifest"] {
  const json = execFileSync("tar", ["-xzOf", tarballPath, "package/package.json"], { encoding: "utf8" });
  const manifest = JSON.parse(json) as PackageVersion["manifest"];
  if (typeof manifest.name !== "string" || typeof manifest.version !== "string") throw new Error(`${tarballPath}: package.json has no name/version`);
  return manifest;
}

/** The URL path npm requests a packument at: `/name` or `/@scope%2fname` (npm escapes the slash). */
function packumentPaths(name: string): string[] {
  return [`/${name}`, `/${name.replace("/", "%2f")}`, `/${name.replace("/", "%2F")}`];
}

export async function startLocalNpmRegistry(tarballPaths: readonly string[]): Promise<LocalNpmRegistry> {
  const byName = new Map<string, PackageVersion[]>();
  for (const tarballPath of tarballPaths) {
    const manifest = manifestOf(tarballPath);
    const versions = byName.get(manifest.name) ?? [];
    const baseName = manifest.name.split("/").pop()!;
    versions.push({ manifest, tarball: fs.readFileSync(tarballPath), fileName: `${baseName}-${manifest.version}.tgz` });
    byName.set(manifest.name, versions);
  }

  const requests: string[] = [];
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const routes = new Map<string, (res: http.ServerResponse) => void>();
  for (const [name, versions] of byName) {
    const packument = {
      _id: name,
      name,
      // The last tarball given for a name is its latest.
      "dist-tags": { latest: versions[versions.length - 1].manifest.version },
      versions: Object.fromEntries(
        versions.map((v) => [
          v.manifest.version,
          {
            ...v.manifest,
            _id: `${name}@${v.manifest.version}`,
            dist: {
              tarball: `${url}${name}/-/${v.fileName}`,
              integrity: `sha512-${createHash("sha512").update(v.tarball).digest("base64")}`,
              shasum: createHash("sha1").update(v.tarball).digest("hex"),
            },
          },
        ]),
      ),
      time: Object.fromEntries(versions.map((v) => [v.manifest.version, new Date(0).toISOString()])),
    };
    const body = JSON.stringify(packument);
    for (const p of packumentPaths(name)) routes.set(p, (res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    for (const v of versions) {
      routes.set(`/${name}/-/${v.fileName}`, (res) => res.writeHead(200, { "content-type": "application/octet-stream", "content-length": v.tarball.length }).end(v.tarball));
    }
  }

  server.on("request", (req, res) => {
    const pathname = new URL(req.url ?? "/", url).pathname;
    requests.push(`${req.method} ${pathname}`);
    const route = req.method === "GET" || req.method === "HEAD" ? routes.get(pathname) : undefined;
    if (route) route(res);
    else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
  });

  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `npm pack`s a package directory into `destination` and returns the tarball's path. */
export function npmPack(packageDir: string, destination: string, npmEnv: NodeJS.ProcessEnv = process.env): string {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], { cwd: packageDir, env: npmEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  return path.join(destination, filename);
}
