/**
 * `npm run bench:server`: requests/s and p50/p99 latency of Get, List (page of 100), Create
 * and Update (description only, round-robin over 100 keys) at 64 concurrent calls, next to an
 * echo handler on the SAME grpc-js server, all in one process, and the ratio of each to echo.
 * Not a test: it prints figures.
 * Goal: Get >= 0.6 x echo, Create >= 0.3 x echo.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceDefinition, type ServiceError } from "@grpc/grpc-js";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { ApiKeyService, GetApiKeyRequestSchema, type CreateApiKeyResponse } from "../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import { ServiceAccountService } from "../src/gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import type { Operation } from "../src/gen/yandex/cloud/operation/operation_pb.js";
import { grpcServiceDefinition } from "../src/grpc/service-definition.js";
import { startServer } from "../src/server/index.js";

const CONCURRENCY = 64;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 6000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const identity = (value: Buffer) => value;
const echoDefinition: ServiceDefinition = {
  echo: {
    path: "/keyform.bench.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

type Unary = (request: unknown, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;

function clientFor(address: string, definition: ServiceDefinition, name: string): Client & Record<string, Unary> {
  const Constructor = makeGenericClientConstructor(definition, name);
  return new Constructor(address, credentials.createInsecure()) as Client & Record<string, Unary>;
}

function call(client: Record<string, Unary>, method: string, request: unknown, metadata: Metadata): Promise<unknown> {
  return new Promise((resolve, reject) => client[method]?.(request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Sample {
  latencies: number[];
  errors: number;
  rps: number;
}

async function sample(once: () => Promise<unknown>, durationMs: number): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await once();
        latencies.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, errors, rps: (latencies.length / (performance.now() - started)) * 1000 };
}

/**
 * Runs every scenario in ROUNDS interleaved rounds (echo, Get, List, Create, echo, ...) and
 * reports the median rate per scenario, so that load from other processes on a shared
 * machine hits all of them alike instead of skewing one.
 */
async function measureAll(scenarios: { name: string; once: () => Promise<unknown> }[]): Promise<Result[]> {
  for (const scenario of scenarios) await sample(scenario.once, WARMUP_MS);
  const samples = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of scenarios) samples.get(scenario.name)?.push(await sample(scenario.once, DURATION_MS / ROUNDS));
  }
  return scenarios.map(({ name }) => {
    const runs = samples.get(name) ?? [];
    const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
    const rates = runs.map((run) => run.rps).sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return { name, rps: rates[Math.floor(rates.length / 2)] ?? Number.NaN, p50: at(0.5), p99: at(0.99), errors: runs.reduce((sum, run) => sum + run.errors, 0) };
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "keyform-bench-server-"));
  const server = await startServer(
    { listen: "127.0.0.1:0", dataDir },
    {
      beforeBind(grpcServer) {
        grpcServer.addService(echoDefinition, { echo: (callObject: { request: Buffer }, callback: (error: null, value: Buffer) => void) => callback(null, callObject.request) });
      },
    },
  );
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${server.adminToken}`);
  const keys = clientFor(server.address, grpcServiceDefinition(ApiKeyService), "ApiKeyService");
  const accounts = clientFor(server.address, grpcServiceDefinition(ServiceAccountService), "ServiceAccountService");
  const echo = clientFor(server.address, echoDefinition, "Echo");
  try {
    const op = (await call(accounts, "create", { folderId: "bench", name: "bench" }, metadata)) as Operation;
    if (op.result.case !== "response") throw new Error("bench account not created");
    const accountId = anyUnpack(op.result.value, ServiceAccountSchema)?.id ?? "";
    const keyIds: string[] = [];
    for (let index = 0; index < 100; index++) {
      const created = (await call(keys, "create", { serviceAccountId: accountId, description: `key ${index}`, scopes: ["yc.ydb.topics.manage"] }, metadata)) as CreateApiKeyResponse;
      keyIds.push(created.apiKey?.id ?? "");
    }
    const keyId = keyIds[keyIds.length - 1] ?? "";
    let updates = 0;
    // Create writes keys into a second account so that List keeps returning exactly 100.
    const op2 = (await call(accounts, "create", { folderId: "bench", name: "bench-creates" }, metadata)) as Operation;
    if (op2.result.case !== "response") throw new Error("bench account not created");
    const createAccountId = anyUnpack(op2.result.value, ServiceAccountSchema)?.id ?? "";
    const echoPayload = Buffer.from(toBinary(GetApiKeyRequestSchema, create(GetApiKeyRequestSchema, { apiKeyId: keyId })));

    const results = await measureAll([
      { name: "echo", once: () => call(echo, "echo", echoPayload, metadata) },
      { name: "Get", once: () => call(keys, "get", { apiKeyId: keyId }, metadata) },
      { name: "List (page of 100)", once: () => call(keys, "list", { serviceAccountId: accountId, pageSize: 100n }, metadata) },
      { name: "Create", once: () => call(keys, "create", { serviceAccountId: createAccountId, description: "bench" }, metadata) },
      {
        name: "Update",
        once: () => call(keys, "update", { apiKeyId: keyIds[updates++ % keyIds.length], updateMask: { paths: ["description"] }, description: `bench ${updates}` }, metadata),
      },
    ]);
    const echoRps = results[0]?.rps ?? Number.NaN;
    console.log(`keyform server bench: ${CONCURRENCY} concurrent calls, ${DURATION_MS} ms per RPC in ${ROUNDS} interleaved rounds (median rate) after ${WARMUP_MS} ms warm-up; one process, loopback, SQLite WAL`);
    console.log(["RPC".padEnd(20), "req/s".padStart(10), "p50 ms".padStart(9), "p99 ms".padStart(9), "x echo".padStart(8), "errors".padStart(7)].join(" "));
    for (const result of results) {
      console.log(
        [
          result.name.padEnd(20),
          result.rps.toFixed(0).padStart(10),
          result.p50.toFixed(2).padStart(9),
          result.p99.toFixed(2).padStart(9),
          (result.rps / echoRps).toFixed(2).padStart(8),
          String(result.errors).padStart(7),
        ].join(" "),
      );
    }
    const ratio = (name: string) => (results.find((result) => result.name === name)?.rps ?? 0) / echoRps;
    console.log(`goals: Get >= 0.60 x echo: ${ratio("Get").toFixed(2)} ${ratio("Get") >= 0.6 ? "met" : "NOT met"}; Create >= 0.30 x echo: ${ratio("Create").toFixed(2)} ${ratio("Create") >= 0.3 ? "met" : "NOT met"}`);
  } finally {
    keys.close();
    accounts.close();
    echo.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
