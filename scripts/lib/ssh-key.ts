// An SSH key pair made in process (no ssh-keygen needed): the public key in OpenSSH format, the private
// key as PKCS#1 PEM, which ssh reads.
import crypto from "node:crypto";

/** OpenSSH wire-format string: uint32 length, then the bytes. */
function sshString(buffer: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(buffer.length);
  return Buffer.concat([length, buffer]);
}

/** An SSH mpint from an unsigned big-endian integer (a leading zero byte when the top bit is set). */
function sshMpint(buffer: Buffer): Buffer {
  let bytes = buffer;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

/** An RSA 2048 key pair (what keyPair "generate" makes with the tls provider). */
export function generateSshKeyPair(comment = "openclaw-local"): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshMpint(Buffer.from(jwk.e!, "base64url")),
    sshMpint(Buffer.from(jwk.n!, "base64url")),
  ]);
  return {
    publicKey: `ssh-rsa ${blob.toString("base64")} ${comment}`,
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
  };
}
