import { parentPort } from "node:worker_threads";
import { mintServerCertificate } from "./certificate.js";

// Runs in a worker thread so that loading the X.509 library and minting overlap with the main
// thread loading grpc-js: together they are most of the provider's start-up time.
mintServerCertificate().then(
  (certificate) => parentPort?.postMessage({ certificate }),
  (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
