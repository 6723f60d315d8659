import { readFileSync } from "node:fs";
import { join } from "node:path";
import { instanceTypeFacts, instanceTypesOfFamily, isOffered, isRegion, partitionOf, zonesOf } from "../../src/config/aws-facts";

describe("AWS facts", () => {
  it("give each instance type's architecture, vCPUs and memory", () => {
    expect(instanceTypeFacts("t3.medium")).toEqual({ architecture: "x86_64", mac: false, vcpus: 2, memoryMib: 4096 });
    expect(instanceTypeFacts("t4g.small")).toEqual({ architecture: "arm64", mac: false, vcpus: 2, memoryMib: 2048 });
    expect(instanceTypeFacts("mac2.metal")).toMatchObject({ architecture: "arm64", mac: true });
    expect(instanceTypeFacts("mac1.metal")).toMatchObject({ architecture: "x86_64", mac: true });
    expect(instanceTypeFacts("t2.micro")?.architecture).toBe("x86_64"); // listed as i386 + x86_64
    expect(instanceTypeFacts("t3.gigantic")).toBeUndefined();
    expect(instanceTypeFacts("constructor")).toBeUndefined();
    expect(instanceTypesOfFamily("t4g")[0]).toBe("t4g.nano");
  });

  it("list no type as both x86_64 and arm64", () => {
    const data = JSON.parse(readFileSync(join(__dirname, "../../src/config/aws-facts/instance-types.json"), "utf8")) as { types: Record<string, [string[]]> };
    const both = Object.entries(data.types).filter(([, [architectures]]) => architectures.some((a) => a.startsWith("arm64")) && architectures.some((a) => a.startsWith("x86_64")));
    expect(both).toEqual([]);
  });

  it("know regions per partition, zones and offerings", () => {
    expect(isRegion("us-east-1")).toBe(true);
    expect(isRegion("us-east-9")).toBe(false);
    expect(isRegion("aws-global")).toBe(false);
    expect(partitionOf("cn-north-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(zonesOf("us-east-1")).toEqual(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
    expect(zonesOf("cn-north-1")).toBeUndefined();
    expect(isOffered("t3.medium", "us-east-1")).toBe(true);
    expect(isOffered("t2.micro", "ap-southeast-4")).toBe(false);
    expect(isOffered("t3.medium", "cn-north-1")).toBeUndefined();
  });
});
