import type { DescService } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import { grpcServiceDefinition } from "../grpc/service-definition.js";
import type { Authenticator } from "./auth.js";
import { tolerantDeserializer } from "./request-decoding.js";
import { unary, type ServiceMethod } from "./unary.js";

/**
 * Binds service logic (an object of async functions keyed by protobuf-es method names) to a
 * grpc-js service definition and implementation, each method wrapped in the unary adapter.
 * Request bytes that do not decode reach the adapter as an UndecodableRequest (INVALID_ARGUMENT).
 * `redact` cleans what failures log (see createRedactor). Throws when the logic lacks a method of the service, so a new RPC cannot go unserved.
 */
export function bindService(
  service: DescService,
  logic: Record<string, ServiceMethod<never, unknown>>,
  authenticator: Authenticator,
  redact?: (text: string) => string,
): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  const shared = grpcServiceDefinition(service);
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const fn = logic[method.localName];
    if (!fn) throw new Error(`${service.typeName}/${method.name} has no implementation`);
    implementation[method.localName] = unary(authenticator, `${service.typeName}/${method.name}`, fn as ServiceMethod<unknown, unknown>, redact);
    const entry = shared[method.localName] as MethodDefinition<unknown, unknown>;
    definition[method.localName] = { ...entry, requestDeserialize: tolerantDeserializer(method.input, entry.requestDeserialize) };
  }
  return { definition: definition as ServiceDefinition, implementation };
}
