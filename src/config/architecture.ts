/** CPU architecture of an EC2 instance type, as AWS names it in AMI parameter paths. */
export type Architecture = "x86_64" | "arm64";

/**
 * Graviton families carry a "g" right after the generation digit (t4g, c7g, m7gd, c6gn, g5g) or are a1;
 * everything else is x86_64.
 */
export function architectureOf(instanceType: string): Architecture {
  const family = instanceType.split(".")[0];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}
