import { EMULATOR_CREDENTIALS, emulatorAccommodations, emulatorBackendSettings, emulatorProviderSettings } from "../../src/config/emulator";
import type { DeploymentTarget } from "../../src/config/schema";

const AWS: DeploymentTarget = { kind: "aws" };
const LOCAL: DeploymentTarget = { kind: "local", endpoint: "http://127.0.0.1:5000" };

describe("the emulator profile", () => {
  it("gives the aws target no accommodation and no provider or backend override", () => {
    expect(emulatorAccommodations(AWS)).toEqual({ trailLoggingOff: false, ignoreSecurityGroupDrift: false, omitReferencedRuleDescriptions: false, stateBucketOverHttp: false, installBucketOverHttp: false, noSnapshotPolicy: false, noBudget: false, noGuardrail: false });
    expect(emulatorProviderSettings(AWS)).toEqual({});
    expect(emulatorBackendSettings(AWS)).toEqual({});
  });

  it("gives the local target each accommodation, by name", () => {
    expect(emulatorAccommodations(LOCAL)).toEqual({ trailLoggingOff: true, ignoreSecurityGroupDrift: true, omitReferencedRuleDescriptions: true, stateBucketOverHttp: true, installBucketOverHttp: true, noSnapshotPolicy: true, noBudget: true, noGuardrail: true });
  });

  it("points the provider's every service at the emulator with its fake credentials", () => {
    const settings = emulatorProviderSettings(LOCAL);
    expect(settings).toMatchObject({
      accessKey: "test",
      secretKey: "test",
      skipCredentialsValidation: true,
      skipMetadataApiCheck: "true",
      s3UsePathStyle: true,
    });
    expect(settings.endpoints).toEqual([
      Object.fromEntries(["ec2", "iam", "sts", "ssm", "s3", "cloudwatch", "logs", "sns", "cloudtrail", "kms", "secretsmanager", "bedrock"].map((service) => [service, "http://127.0.0.1:5000"])),
    ]);
    expect(EMULATOR_CREDENTIALS).toEqual({ accessKeyId: "test", secretAccessKey: "test" });
  });

  it("points the S3 backend at the emulator with the same credentials", () => {
    expect(emulatorBackendSettings(LOCAL)).toEqual({
      endpoints: { s3: "http://127.0.0.1:5000", sts: "http://127.0.0.1:5000", iam: "http://127.0.0.1:5000" },
      usePathStyle: true,
      accessKey: "test",
      secretKey: "test",
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: true,
    });
  });
});
