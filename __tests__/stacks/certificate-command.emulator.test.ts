/**
 * The stack's gateway_certificate_command output, run with the real aws CLI against the suite's emulator:
 * the full suite's tier (it needs moto), beside openclaw-stack.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { EMULATOR_CREDENTIALS } from "../../src/config/emulator";
import { testEndpoint } from "../e2e/deployment";
import { synthStack } from "../helpers";

it("the certificate command writes the certificate the gateway published, as a file openssl reads (real aws CLI, emulator)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "certificate-output-"));
  try {
    const { tf } = synthStack({ stackName: "certificate-output" });
    // As gateway-publish.sh publishes it: the PEM without its last newline.
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=openclaw-gw",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "published.pem")], { stdio: "ignore" });
    const ssm = new SSMClient({ endpoint: testEndpoint(), region: "us-east-1", credentials: EMULATOR_CREDENTIALS });
    const name = "/openclaw/certificate-output/gateway/tls-certificate";
    await ssm.send(new PutParameterCommand({ Name: name, Type: "String", Value: readFileSync(join(dir, "published.pem"), "utf8").trimEnd(), Overwrite: true }));
    const env = { PATH: process.env.PATH, AWS_ENDPOINT_URL: testEndpoint(), AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: "true" };
    execFileSync("bash", ["-c", String(tf.output.gateway_certificate_command.value)], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    const fingerprint = (file: string) => execFileSync("openssl", ["x509", "-in", join(dir, file), "-noout", "-fingerprint", "-sha256", "-ext", "subjectAltName"], { encoding: "utf8" });
    expect(fingerprint("openclaw-certificate-output-gw.crt")).toBe(fingerprint("published.pem"));
    expect(fingerprint("openclaw-certificate-output-gw.crt")).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
