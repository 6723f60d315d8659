import { localStatePath, useStateBackend, type StateBackendProps } from "../../src/constructs/state";
import { synthConstruct } from "./bare-stack";

const props: StateBackendProps = {
  key: "openclaw/prod/terraform.tfstate",
  region: "eu-west-1",
  localPath: localStatePath("openclaw"),
  target: { kind: "aws" },
};

const backendOf = (overrides: Partial<StateBackendProps>) => synthConstruct((stack) => useStateBackend(stack, { ...props, ...overrides })).tf.terraform.backend;

describe("useStateBackend", () => {
  it("given no bucket, when synthesized, then the state stays in the local file", () => {
    expect(backendOf({})).toEqual({ local: { path: "../../../terraform.openclaw.tfstate" } });
  });

  it("given a bucket, when synthesized, then the S3 backend is used with encryption and native lock files", () => {
    expect(backendOf({ bucket: "acme-openclaw-state" })).toEqual({
      s3: { bucket: "acme-openclaw-state", key: "openclaw/prod/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });

  it("given a bucket on the local target, when synthesized, then the backend points at the emulator", () => {
    expect(backendOf({ bucket: "local-state", target: { kind: "local", endpoint: "http://127.0.0.1:5000" } })).toEqual({
      s3: expect.objectContaining({
        endpoints: { s3: "http://127.0.0.1:5000", sts: "http://127.0.0.1:5000", iam: "http://127.0.0.1:5000" },
        use_path_style: true,
        skip_credentials_validation: true,
        use_lockfile: true,
      }),
    });
  });
});

describe("localStatePath", () => {
  it("given a stack name, then it is that stack's file at the project root, seen from its synthesized folder", () => {
    expect(localStatePath("openclaw-state")).toBe("../../../terraform.openclaw-state.tfstate");
  });
});
