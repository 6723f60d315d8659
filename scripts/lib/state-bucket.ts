// The S3 state bucket of a configuration, as the deploy scripts see it before and after Terraform runs:
// whether it exists (so the bootstrap creates it once per bucket, and a second stack shares it), and the
// lock file an interrupted run leaves behind (with the one command that releases it).
import { GetObjectCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { deploymentNames, stateRegion } from "../../src/config/names";
import type { OpenClawConfig } from "../../src/config/schema";
import { clientSettings } from "./aws-target";

/** Where a stack keeps its Terraform state in S3. */
export interface StateLocation {
  readonly bucket: string;
  /** The stack's own key: stacks that share the bucket never share a key. */
  readonly key: string;
  readonly region: string;
}

/** The configuration's state location, or undefined when its state is a local file. */
export function stateLocation(config: OpenClawConfig): StateLocation | undefined {
  if (!config.state.bucket) return undefined;
  return { bucket: config.state.bucket, key: deploymentNames(config).stateKey, region: stateRegion(config) };
}

/** An S3 client for the state bucket: the caller's credentials on AWS, the emulator's on the local target. */
export function stateBucketClient(config: OpenClawConfig): S3Client {
  return new S3Client({ ...clientSettings(config.target, stateRegion(config)), forcePathStyle: config.target.kind === "local" });
}

export type BucketStatus = "missing" | "yours" | "not-yours";

/** HeadBucket's answer: 404 missing, 403 someone else's (bucket names are global) or not readable by you. */
export async function bucketStatus(s3: S3Client, bucket: string): Promise<BucketStatus> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return "yours";
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return "missing";
    if (status === 403) return "not-yours";
    throw error;
  }
}

/** What Terraform writes into `<key>.tflock` while it holds the lock (its LockInfo). */
export interface LockInfo {
  readonly ID: string;
  readonly Operation?: string;
  readonly Who?: string;
  readonly Version?: string;
  readonly Created?: string;
  readonly Path?: string;
}

/** The lock file of the stack's state, if one is there now. */
export async function readLock(s3: S3Client, { bucket, key }: StateLocation): Promise<LockInfo | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.tflock` }));
    return JSON.parse(await object.Body!.transformToString()) as LockInfo;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw error;
  }
}

/**
 * What to tell the user about a lock left on the state: which run holds it, and how to release it if that
 * run is gone (`unlockCommand`: terraform force-unlock where the stack is initialized). `force-unlock` deletes the lock file only when its ID matches, so it never takes the lock of
 * a run that started since.
 */
export function lockHint(location: StateLocation, lock: LockInfo, unlockCommand = (id: string) => `npm run terraform -- force-unlock -force ${id}`): string {
  const holder = [lock.Operation && `operation ${lock.Operation.replace(/^OperationType/, "")}`, lock.Who && `by ${lock.Who}`, lock.Created && `since ${lock.Created}`]
    .filter(Boolean)
    .join(", ");
  return [
    `The state is locked: s3://${location.bucket}/${location.key}.tflock holds lock ID ${lock.ID}${holder ? ` (${holder})` : ""}.`,
    "If no other deploy, diff or destroy of this stack is running (an interrupted run leaves its lock behind), release it with:",
    `  ${unlockCommand(lock.ID)}`,
  ].join("\n");
}
