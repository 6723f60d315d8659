import { deploymentOf } from "../../src/config/hosts";
import { NODE_NAME_PLACEHOLDER, nodeHostContext, nodeUserDataTemplates, renderNodeHost } from "../../src/node/node-context";
import { configWith } from "../helpers";

describe("nodeUserDataTemplates", () => {
  it("given nodes of two architectures, when rendered, then each node's user data is its architecture's with its name put in", () => {
    const config = configWith({
      nodes: [{ name: "node" }, { name: "node-2", instanceType: "t3.large" }, { name: "arm", instanceType: "t4g.small" }, { name: "ab" }],
    });
    const deployment = deploymentOf(config);
    // A computed gateway address (the default VPC's) is a cdktf token in the text.
    const gatewayAddress = "${TfToken[TOKEN.7]}";
    const templates = nodeUserDataTemplates(deployment, gatewayAddress, "openclaw-pkg-bucket");
    expect([...templates.keys()].sort()).toEqual(["arm64", "x86_64"]);
    for (const node of deployment.hosts.nodes) {
      const template = templates.get(node.instance.architecture)!;
      expect(template).toContain(`OPENCLAW_AWS_HOST_NAME='openclaw-${NODE_NAME_PLACEHOLDER}'`);
      const real = renderNodeHost(nodeHostContext(deployment, node, gatewayAddress, "openclaw-pkg-bucket")).userData;
      expect(real).not.toContain(NODE_NAME_PLACEHOLDER);
      expect(template.replaceAll(NODE_NAME_PLACEHOLDER, node.name)).toBe(real);
    }
  });

  it("given no nodes, when rendered, then there is nothing to share", () => {
    expect(nodeUserDataTemplates(deploymentOf(configWith({ nodes: [] })), "10.0.1.10", "openclaw-pkg-bucket").size).toBe(0);
  });
});
