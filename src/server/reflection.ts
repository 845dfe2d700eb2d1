import { toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { Server } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";

type ReflectionPackage = ConstructorParameters<typeof ReflectionService>[0];

function collectFiles(file: DescFile, into: Map<string, DescFile>): void {
  if (into.has(file.name)) return;
  into.set(file.name, file);
  for (const dependency of file.dependencies) collectFiles(dependency, into);
}

/**
 * Adds the standard gRPC server reflection (v1 and v1alpha) for `services`. Its descriptors
 * come from the protobuf-es generated code (each GenFile embeds its FileDescriptorProto),
 * so no .proto files are read at run time.
 */
export function addReflection(server: Server, services: readonly DescService[]): void {
  const files = new Map<string, DescFile>();
  for (const service of services) collectFiles(service.file, files);
  const fileDescriptorProtos = [...files.values()].map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
  // The reflection service reads `fileDescriptorProtos` of every entry, as proto-loader emits them.
  const packageDefinition = Object.fromEntries(
    services.map((service) => [service.typeName, { format: "Protocol Buffer 3 DescriptorProto", type: {}, fileDescriptorProtos }]),
  ) as unknown as ReflectionPackage;
  new ReflectionService(packageDefinition, { services: services.map((service) => service.typeName) }).addToServer(server);
}

/** Adds grpc.health.v1.Health reporting SERVING for the server ("") and each service. */
export function addHealth(server: Server, services: readonly DescService[]): HealthImplementation {
  const statuses = Object.fromEntries([["", "SERVING" as const], ...services.map((service) => [service.typeName, "SERVING" as const])]);
  const health = new HealthImplementation(statuses);
  health.addToServer(server);
  return health;
}
