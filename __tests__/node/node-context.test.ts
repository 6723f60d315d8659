import { deploymentHosts } from "../../src/config/hosts";
import { deploymentNames } from "../../src/config/names";
import { NODE_NAME_PLACEHOLDER, nodeHostContext, nodeUserDataTemplates, renderNodeHost } from "../../src/node/node-context";
import { configWith } from "../helpers";

describe("nodeUserDataTemplates", () => {
  it("given nodes of two architectures, when rendered, then each node's user data is its architecture's with its name put in", () => {
    const config = configWith({
      nodes: [{ name: "node" }, { name: "node-2", instanceType: "t3.large" }, { name: "arm", instanceType: "t4g.small" }, { name: "ab" }],
    });
    const names = deploymentNames(config);
    const hosts = deploymentHosts(config, names);
    // A computed gateway address (the default VPC's) is a cdktf token in the text.
    const gatewayAddress = "${TfToken[TOKEN.7]}";
    const templates = nodeUserDataTemplates(config, names, hosts, gatewayAddress, "openclaw-pkg-bucket");
    expect([...templates.keys()].sort()).toEqual(["arm64", "x86_64"]);
    for (const node of hosts.nodes) {
      const template = templates.get(node.instance.architecture)!;
      expect(template).toContain(`OPENCLAW_AWS_HOST_NAME='openclaw-${NODE_NAME_PLACEHOLDER}'`);
      const real = renderNodeHost(nodeHostContext(config, names, hosts, node, gatewayAddress, "openclaw-pkg-bucket")).userData;
      expect(real).not.toContain(NODE_NAME_PLACEHOLDER);
      expect(template.replaceAll(NODE_NAME_PLACEHOLDER, node.name)).toBe(real);
    }
  });

  it("given no nodes, when rendered, then there is nothing to share", () => {
    const config = configWith({ nodes: [] });
    const names = deploymentNames(config);
    expect(nodeUserDataTemplates(config, names, deploymentHosts(config, names), "10.0.1.10", "openclaw-pkg-bucket").size).toBe(0);
  });
});
