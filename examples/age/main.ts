/**
 * Keys whose secrets are encrypted to an age recipient: state and outputs hold only the
 * ASCII-armored ciphertext (`encrypted_secret_key`); only the holder of the matching
 * identity can decrypt it with `age -d`.
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KeyformProvider, RotatingApiKey, ServiceAccountApiKeys } from "../../constructs/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";

const [, demoBilling] = DEMO_SERVICE_ACCOUNTS;

// A throwaway recipient whose identity was discarded: nobody can decrypt these secrets.
// Make your own with `age-keygen -o key.txt` and put the printed public key here
// (or set KEYFORM_AGE_RECIPIENT).
const recipient = process.env.KEYFORM_AGE_RECIPIENT || "age182sak9greqpfw7w57uy66txj8he46zfdm0lrs0f6x8hatlwpmehse6aq8l";

class AgeStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KeyformProvider(this, "keyform");
    new ServiceAccountApiKeys(this, "billing", {
      serviceAccountId: demoBilling.id,
      keys: {
        export: { description: "Encrypted export key", ageRecipients: [recipient] },
      },
    });
    new RotatingApiKey(this, "billing_rotating", {
      serviceAccountId: demoBilling.id,
      rotationDays: 60,
      description: "Encrypted and rotated every 60 days",
      ageRecipients: [recipient],
    });
  }
}

const app = new App();
new AgeStack(app, "age");
app.synth();
