/**
 * A tiny npm registry on loopback for the host tests: it serves the packuments and tarballs of the
 * npm-pack tarballs it is given, and answers 404 for everything else (as the real registry does for a
 * package it does not have), or, with `upstream`, passes everything else through to that registry (its
 * packuments rewritten so their tarballs come through here too: a client that reaches only this registry
 * still installs the packages' dependencies). Tarball URLs name the host the client asked (its Host
 * header), so it also works behind a relay. Point npm or `openclaw plugins install` at it with
 * `npm_config_registry=<url>`. It records every request so a test can show what was asked for.
 * It answers from the test's event loop: run the programs that use it asynchronously, never with
 * spawnSync/execFileSync (they would wait for an answer that can never come).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalNpmRegistryOptions {
  /** Base URL of a registry to pass every other package through to (e.g. realRegistry()). */
  readonly upstream?: string;
}

/** The registry npm is configured with on this machine (the real one the tests may reach). */
export function realRegistry(): string {
  const url = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
  return url.endsWith("/") ? url : `${url}/`;
}

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

export async function startLocalNpmRegistry(tarballPaths: readonly string[], options: LocalNpmRegistryOptions = {}): Promise<LocalNpmRegistry> {
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

  /** Routes answer for the base URL the client used (`http://<its Host header>/`). */
  const routes = new Map<string, (res: http.ServerResponse, base: string) => void>();
  for (const [name, versions] of byName) {
    const packument = (base: string) => ({
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
              tarball: `${base}${name}/-/${v.fileName}`,
              integrity: `sha512-${createHash("sha512").update(v.tarball).digest("base64")}`,
              shasum: createHash("sha1").update(v.tarball).digest("hex"),
            },
          },
        ]),
      ),
      time: Object.fromEntries(versions.map((v) => [v.manifest.version, new Date(0).toISOString()])),
    });
    for (const p of packumentPaths(name)) routes.set(p, (res, base) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument(base))));
    for (const v of versions) {
      routes.set(`/${name}/-/${v.fileName}`, (res) => res.writeHead(200, { "content-type": "application/octet-stream", "content-length": v.tarball.length }).end(v.tarball));
    }
  }

  /** GET/HEAD of anything else from the upstream registry; its own URLs in a packument become ours. */
  async function passThrough(req: http.IncomingMessage, res: http.ServerResponse, upstream: string, base: string): Promise<string> {
    const answer = await fetch(new URL((req.url ?? "/").replace(/^\//, ""), upstream), {
      method: req.method,
      headers: { accept: req.headers.accept ?? "*/*" },
      signal: AbortSignal.timeout(120_000),
    });
    const type = answer.headers.get("content-type") ?? "application/octet-stream";
    const body = type.includes("json") ? Buffer.from((await answer.text()).replaceAll(upstream, base)) : Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { "content-type": type, "content-length": body.length }).end(req.method === "HEAD" ? undefined : body);
    return `upstream ${answer.status}`;
  }

  server.on("request", (req, res) => {
    const pathname = new URL(req.url ?? "/", url).pathname;
    const base = req.headers.host ? `http://${req.headers.host}/` : url;
    const readOnly = req.method === "GET" || req.method === "HEAD";
    const route = readOnly ? routes.get(pathname) : undefined;
    if (route) {
      requests.push(`${req.method} ${pathname}`);
      route(res, base);
    } else if (readOnly && options.upstream) {
      passThrough(req, res, options.upstream, base).then(
        (how) => requests.push(`${req.method} ${pathname} (${how})`),
        (error: Error) => {
          requests.push(`${req.method} ${pathname} (upstream failed: ${error.message})`);
          if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: `upstream: ${error.message}` }));
        },
      );
    } else {
      requests.push(`${req.method} ${pathname}`);
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
    }
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
