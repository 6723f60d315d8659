// The suite's terraform calls use the project's offline CLI configuration (scripts/lib/terraform-env.ts).
export { terraformEnv } from "../scripts/lib/terraform-env";
