/**
 * Several service accounts in one stack, one of them managed exclusively: keys under
 * demo-app that this stack does not declare are deleted by `keyform apply`; keys under the
 * other accounts that the stack does not declare are left alone (listed as unmanaged).
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KeyformProvider, ServiceAccountApiKeys } from "../../constructs/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";

const [demoApp, demoBilling, demoCi] = DEMO_SERVICE_ACCOUNTS;

class MultiAccountStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KeyformProvider(this, "keyform");
    new ServiceAccountApiKeys(this, "app", {
      serviceAccountId: demoApp.id,
      exclusive: true,
      keys: {
        web: { description: "Web frontend", scopes: ["yc.serverless.functions.invoke"] },
        worker: { description: "Queue worker" },
      },
    });
    new ServiceAccountApiKeys(this, "billing", {
      serviceAccountId: demoBilling.id,
      keys: { invoices: { description: "Invoice exporter", expiresAt: "2031-06-30T00:00:00Z" } },
    });
    new ServiceAccountApiKeys(this, "ci", {
      serviceAccountId: demoCi.id,
      keys: { pipeline: { description: "Build pipeline", rotateAfter: "90d" } },
    });
  }
}

const app = new App();
new MultiAccountStack(app, "multi-account");
app.synth();
