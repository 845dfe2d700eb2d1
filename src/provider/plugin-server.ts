import * as grpc from "@grpc/grpc-js";
import { GRPCController } from "../gen/plugin/grpc_controller_pb.js";
import { Provider } from "../gen/tfplugin6/tfplugin6.8_pb.js";
import { grpcServiceDefinition } from "../grpc/service-definition.js";
import type { ProviderHandlers } from "./provider-service.js";
import type { Tracer } from "../client/trace.js";

export interface PluginServerOptions {
  readonly socketPath: string;
  /** TLS identity and Terraform's client certificate; undefined = plaintext (TF_DISABLE_PLUGIN_TLS). */
  readonly tls?: { readonly certificatePem: string; readonly privateKeyPem: string; readonly clientCertificatePem?: string };
  /** Loaded on the first RPC (the handshake line goes out before the handlers' modules load). */
  readonly handlers: () => Promise<ProviderHandlers>;
  /** Called after plugin.GRPCController/Shutdown has been answered. */
  readonly onShutdown: () => void;
  readonly trace: Tracer;
}

/**
 * Starts the plugin's gRPC server on a Unix socket: tfplugin6.Provider (handlers; RPCs without
 * one answer UNIMPLEMENTED) and go-plugin's GRPCController. With TLS, Terraform's client
 * certificate (PLUGIN_CLIENT_CERT) is the only trusted root and is required.
 * Resolves once the socket listens.
 */
export async function startPluginServer(options: PluginServerOptions): Promise<grpc.Server> {
  const server = new grpc.Server();
  const definition = grpcServiceDefinition(Provider);
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Provider.methods) {
    implementation[method.localName] = async (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      let handler: ((request: unknown) => Promise<unknown>) | undefined;
      try {
        handler = (await options.handlers())[method.localName as keyof ProviderHandlers] as typeof handler;
      } catch (error) {
        callback({ code: grpc.status.INTERNAL, details: `keyform provider failed to load: ${(error as Error).message}` });
        return;
      }
      if (!handler) {
        options.trace(`${method.name}: UNIMPLEMENTED`);
        callback({ code: grpc.status.UNIMPLEMENTED, details: `keyform provider does not implement ${method.name}` });
        return;
      }
      const started = performance.now();
      handler(call.request).then(
        (response) => {
          options.trace(`${method.name} ok in ${(performance.now() - started).toFixed(1)} ms`);
          callback(null, response);
        },
        (error: unknown) => {
          // A throw is a bug in the provider; its message is ours, never a secret.
          options.trace(`${method.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
          callback({ code: grpc.status.INTERNAL, details: `keyform provider ${method.name}: ${error instanceof Error ? error.message : String(error)}` });
        },
      );
    };
  }
  server.addService(definition, implementation);
  server.addService(grpcServiceDefinition(GRPCController), {
    shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      options.trace("Shutdown");
      callback(null, {});
      options.onShutdown();
    },
  });
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        options.tls.clientCertificatePem ? Buffer.from(options.tls.clientCertificatePem) : null,
        [{ private_key: Buffer.from(options.tls.privateKeyPem), cert_chain: Buffer.from(options.tls.certificatePem) }],
        Boolean(options.tls.clientCertificatePem),
      )
    : grpc.ServerCredentials.createInsecure();
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${options.socketPath}`, credentials, (error) => (error ? reject(error) : resolve()));
  });
  return server;
}
