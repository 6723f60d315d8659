// One half of an SSM-style port forward, for the host tests: listens on <from> and pipes every
// connection to <to>, where each is a TCP port on 127.0.0.1 or a Unix socket path. Two halves joined by
// a Unix socket bridge two network namespaces the way SSM bridges the laptop and the instance:
//   laptop ns:    node port-relay.mjs 18789 /tmp/x/relay.sock
//   instance ns:  node port-relay.mjs /tmp/x/relay.sock 443
// Prints "listening" once ready; stops on SIGTERM.
import net from "node:net";

const [from, to] = process.argv.slice(2);
const endpoint = (spec) => (/^\d+$/.test(spec) ? { port: Number(spec), host: "127.0.0.1" } : { path: spec });
if (!from || !to) {
  console.error("usage: port-relay.mjs <port|socket path> <port|socket path>");
  process.exit(2);
}

const server = net.createServer((client) => {
  const upstream = net.connect(endpoint(to));
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
});
server.listen(endpoint(from), () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
