// TEMPORARY placeholder written by the lead so the stack can be synthesized while helper-1 writes the
// real renderer. helper-1: replace this file wholesale.
import type { GatewayHostContext, NodeHostContext, RenderedHost } from "./context";

export function renderGatewayHost(ctx: GatewayHostContext): RenderedHost {
  return { files: [], userData: `#cloud-config\n${JSON.stringify({ runcmd: [["echo", ctx.hostName, String(ctx.gateway.publicAddress), "${HOME}"]] })}\n` };
}

export function renderNodeHost(ctx: NodeHostContext): RenderedHost {
  return { files: [], userData: `#cloud-config\n${JSON.stringify({ runcmd: [["echo", ctx.hostName, ctx.gateway.host]] })}\n` };
}
