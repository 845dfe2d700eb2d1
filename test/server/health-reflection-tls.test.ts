import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, loadPackageDefinition, makeGenericClientConstructor, type Client, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { service as healthService } from "grpc-health-check";
import { startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("standard services", () => {
  it("grpc.health.v1 reports SERVING for the server and ApiKeyService, without credentials", async () => {
    const Health = makeGenericClientConstructor(healthService, "Health");
    const client = new Health(h.server.address, credentials.createInsecure()) as Client & Record<string, (...args: unknown[]) => void>;
    try {
      for (const name of ["", "yandex.cloud.iam.v1.ApiKeyService"]) {
        const response = await new Promise<{ status: unknown }>((resolve, reject) =>
          client.check?.({ service: name }, (error: ServiceError | null, value: { status: unknown }) => (error ? reject(error) : resolve(value))),
        );
        expect(response.status).toBe("SERVING");
      }
    } finally {
      client.close();
    }
  });

  it("server reflection lists the services and serves their file descriptors", async () => {
    const require = createRequire(import.meta.url);
    const protoRoot = join(dirname(require.resolve("@grpc/reflection/package.json")), "build/proto");
    const definition = loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [protoRoot], keepCase: true });
    const pkg = loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: unknown) => Client & Record<string, () => NodeJS.ReadWriteStream> } } };
    };
    const client = new pkg.grpc.reflection.v1.ServerReflection(h.server.address, credentials.createInsecure());
    try {
      const ask = (request: object) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const stream = client.ServerReflectionInfo?.() as unknown as NodeJS.ReadWriteStream & { end(): void; write(value: object): boolean };
          stream.on("data", (response: Record<string, unknown>) => resolve(response));
          stream.on("error", reject);
          stream.write(request);
          stream.end();
        });
      const listed = (await ask({ list_services: "" })) as { list_services_response: { service: { name: string }[] } };
      expect(listed.list_services_response.service.map((service) => service.name).sort()).toEqual([
        "yandex.cloud.iam.v1.ApiKeyService",
        "yandex.cloud.iam.v1.ServiceAccountService",
        "yandex.cloud.operation.OperationService",
      ]);
      const files = (await ask({ file_containing_symbol: "yandex.cloud.iam.v1.ApiKeyService" })) as {
        file_descriptor_response: { file_descriptor_proto: Buffer[] };
      };
      const names = files.file_descriptor_response.file_descriptor_proto.map((bytes) => bytes.toString("latin1"));
      expect(names.some((text) => text.includes("yandex/cloud/iam/v1/api_key_service.proto"))).toBe(true);
      expect(names.some((text) => text.includes("google/protobuf/timestamp.proto"))).toBe(true);
    } finally {
      client.close();
    }
  });
});

describe("TLS", () => {
  it("serves TLS with the given certificate and key; a client trusting it gets through", async () => {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] }],
    });
    const tlsHarness = await startHarness({ tls: { certPem: Buffer.from(pems.cert), keyPem: Buffer.from(pems.private) } });
    const { ServiceAccountService } = await import("../../src/gen/yandex/cloud/iam/v1/service_account_service_pb.js");
    const { grpcServiceDefinition } = await import("../../src/grpc/service-definition.js");
    const Constructor = makeGenericClientConstructor(grpcServiceDefinition(ServiceAccountService), "ServiceAccountService");
    // "localhost", not the IP: TLS server names must be host names (RFC 6066).
    const client = new Constructor(tlsHarness.server.address.replace("127.0.0.1", "localhost"), credentials.createSsl(Buffer.from(pems.cert))) as Client &
      Record<string, (...args: unknown[]) => void>;
    try {
      const { Metadata } = await import("@grpc/grpc-js");
      const metadata = new Metadata();
      metadata.set("authorization", `Bearer ${tlsHarness.server.adminToken}`);
      const listed = await new Promise<{ serviceAccounts: unknown[] }>((resolve, reject) =>
        client.list?.({ folderId: "tls" }, metadata, (error: ServiceError | null, value: { serviceAccounts: unknown[] }) =>
          error ? reject(error) : resolve(value),
        ),
      );
      expect(listed.serviceAccounts).toEqual([]);
      // The plaintext harness client cannot talk to the TLS port.
      await expect(tlsHarness.accounts.call("list", { folderId: "tls" }, tlsHarness.admin)).rejects.toMatchObject({ code: 14 });
    } finally {
      client.close();
      await tlsHarness.close();
    }
  });
});
