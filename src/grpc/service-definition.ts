import type { ServiceDefinition, MethodDefinition } from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescService, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";

/**
 * Turns a protobuf-es service descriptor into a grpc-js ServiceDefinition, so that the
 * server, the client and the Terraform provider share one transport binding without a
 * second code generator. Method keys are protobuf-es local names (`get`, `listOperations`).
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    if (method.methodKind !== "unary") {
      throw new Error(`${service.typeName}.${method.name}: only unary methods are supported`);
    }
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: messageSerializer(method.input),
      requestDeserialize: messageDeserializer(method.input),
      responseSerialize: messageSerializer(method.output),
      responseDeserialize: messageDeserializer(method.output),
      originalName: method.name,
    } as MethodDefinition<unknown, unknown>;
  }
  return definition as ServiceDefinition;
}

function messageSerializer(schema: DescMessage): (value: unknown) => Buffer {
  return (value) => {
    // Accept both full messages and plain init objects; `create` fills in $typeName and defaults.
    const message = create(schema, value as never);
    return Buffer.from(toBinary(schema, message));
  };
}

function messageDeserializer(schema: DescMessage): (bytes: Buffer) => unknown {
  return (bytes) => fromBinary(schema, bytes);
}

/** Request and response message types of one method of a generated service. */
export type MethodTypes<S extends GenServiceMethods, K extends keyof S> = {
  request: MessageShape<S[K]["input"]>;
  response: MessageShape<S[K]["output"]>;
};

export type { GenService };
