import { deploymentNames, hostName, nodeRoleName, stateRegion } from "../../src/config/names";
import { configWith } from "../helpers";

describe("deploymentNames", () => {
  it("keeps seed 000's names for the default stack", () => {
    const names = deploymentNames(configWith());
    expect(names).toMatchObject({
      prefix: "openclaw",
      keyPair: "openclaw-key",
      gatewaySecurityGroup: "openclaw-sg",
      gatewayRole: "openclaw-ec2-role",
      applicationLogGroup: "/openclaw/application",
      systemLogGroup: "/openclaw/system",
      alarmPrefix: "OpenClaw",
      parameterPath: "/openclaw/openclaw",
      stateKey: "openclaw/openclaw/terraform.tfstate",
      stateStack: "openclaw-state",
    });
    expect(stateRegion(configWith())).toBe("us-east-1");
    expect(stateRegion(configWith({ region: "eu-west-1", state: { region: "eu-central-1" } }))).toBe("eu-central-1");
    expect(hostName(names, "gw")).toBe("openclaw-gw");
    expect(hostName(names, "node")).toBe("openclaw-node");
    expect(nodeRoleName(names, "node")).toBe("openclaw-node-ec2-role");
  });

  it("puts any other stack name into every name, so two stacks share an account", () => {
    const dev = deploymentNames(configWith({ stackName: "dev" }));
    const prod = deploymentNames(configWith({ stackName: "prod" }));
    expect(dev.gatewayRole).toBe("openclaw-dev-ec2-role");
    expect(dev.alarmPrefix).toBe("OpenClaw-dev");
    expect(dev.parameterPath).toBe("/openclaw/dev");
    const collisions = Object.entries(dev).filter(([key, value]) => prod[key as keyof typeof prod] === value);
    expect(collisions).toEqual([]);
  });
});
