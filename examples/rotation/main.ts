/**
 * Rotation example: keys that are replaced without downtime. `RotatingApiKey` sets
 * `rotate_after` and create_before_destroy, so the new key is created before the old one is
 * deleted; its outputs always give the current secret.
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KeyformProvider, RotatingApiKey } from "../../constructs/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";

const [, , demoCi] = DEMO_SERVICE_ACCOUNTS;

class RotationStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KeyformProvider(this, "keyform");
    // Replaced once it is 30 days old, at the first apply after that.
    new RotatingApiKey(this, "deploy", {
      serviceAccountId: demoCi.id,
      rotationDays: 30,
      description: "CI deploy key, rotated monthly",
      scopes: ["yc.serverless.containers.invoke"],
    });
    // Rotation on demand as well: bump `generation` to replace the key now.
    new RotatingApiKey(this, "registry", {
      serviceAccountId: demoCi.id,
      description: "CI registry push key",
      keepers: { generation: "1" },
    });
  }
}

const app = new App();
new RotationStack(app, "rotation");
app.synth();
