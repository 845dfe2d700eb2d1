/**
 * Basic example: one service account, two named keys, their secrets as sensitive outputs.
 * `npx cdktf synth` (root cdktf.json) runs this file, then `keyform plan` / `keyform apply`.
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KeyformProvider, ServiceAccountApiKeys } from "../../constructs/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";

const [demoApp] = DEMO_SERVICE_ACCOUNTS;

class BasicStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // No endpoint: keyform uses the embedded default store under .keyform/ (or KEYFORM_ENDPOINT).
    new KeyformProvider(this, "keyform");
    new ServiceAccountApiKeys(this, "app", {
      serviceAccountId: demoApp.id,
      keys: {
        backend: { description: "Backend of demo-app", scopes: ["yc.serverless.containers.invoke"] },
        reporting: { description: "Nightly reporting job", expiresAt: "2030-01-01T00:00:00Z" },
      },
    });
  }
}

const app = new App();
new BasicStack(app, "basic");
app.synth();
