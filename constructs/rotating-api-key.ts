import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { ApiKey } from "./providers/keyform/api-key/index.js";
import type { KeyformProvider } from "./providers/keyform/provider/index.js";
import { apiKeyPropsProblems, serviceAccountIdProblems, type ApiKeyProps } from "./api-key-props.js";
import { keyformProviderProblems } from "./keyform-provider-lookup.js";
import { createKeyOutputs, TERRAFORM_NAME, type KeyOutputs } from "./key-outputs.js";

/** Props of {@link RotatingApiKey}: a key's arguments except `rotateAfter`, which `rotationDays` sets. */
export interface RotatingApiKeyConfig extends Omit<ApiKeyProps, "rotateAfter"> {
  /** Service account that owns the key (at most 50 characters). */
  readonly serviceAccountId: string;
  /**
   * Replace the key once it is this many days old (a whole number of days, at least 1).
   * @default 90
   */
  readonly rotationDays?: number;
  /**
   * Provider the key uses.
   * @default - the stack's keyform provider without alias (synth fails if there is none)
   */
  readonly provider?: KeyformProvider;
  /**
   * Name of the resource (`keyform_api_key.<name>`) and prefix of the outputs `<name>_id`,
   * `<name>_masked_secret`, `<name>_secret_key`. Must be unique within the stack.
   * @default - this construct's id
   */
  readonly name?: string;
}

/** Default rotation period of {@link RotatingApiKey}, in days. */
export const DEFAULT_ROTATION_DAYS = 90;

/**
 * An API key replaced every `rotationDays` days (`rotate_after = "<days>d"`) with
 * create_before_destroy, so the new key exists before the old one is deleted and clients can
 * switch during the overlap. Its outputs reference the resource, so they always give the
 * current key's secret.
 */
export class RotatingApiKey extends Construct {
  /** The underlying `keyform_api_key` resource. */
  public readonly apiKey: ApiKey;
  /** Outputs of the current key. */
  public readonly outputs: KeyOutputs;
  /** Rotation period in days. */
  public readonly rotationDays: number;

  public constructor(scope: Construct, id: string, config: RotatingApiKeyConfig) {
    super(scope, id);
    this.rotationDays = config.rotationDays ?? DEFAULT_ROTATION_DAYS;
    const name = config.name ?? id;
    const provider: TerraformProvider | undefined = config.provider;
    const props: ApiKeyProps = {
      description: config.description,
      scopes: config.scopes,
      expiresAt: config.expiresAt,
      rotateAfter: `${this.rotationDays}d`,
      keepers: config.keepers,
      ageRecipients: config.ageRecipients,
    };
    this.apiKey = new ApiKey(this, "key", {
      serviceAccountId: config.serviceAccountId,
      ...props,
      provider,
      lifecycle: { createBeforeDestroy: true },
    });
    this.apiKey.overrideLogicalId(name);
    this.outputs = createKeyOutputs(this, "", name, this.apiKey, config.ageRecipients !== undefined);

    this.node.addValidation({
      validate: () => [
        ...serviceAccountIdProblems(config.serviceAccountId),
        ...(Number.isSafeInteger(this.rotationDays) && this.rotationDays >= 1
          ? apiKeyPropsProblems(props, "")
          : [`rotationDays must be a whole number of days, at least 1 (got ${this.rotationDays})`]),
        ...(TERRAFORM_NAME.test(name) ? [] : [`name "${name}" is not a Terraform name (letters, digits, _ and -): pass name`]),
        ...keyformProviderProblems(this, provider),
      ],
    });
  }

  /** Token of the current secret (sensitive; null in state when the key has age recipients). */
  public get secretKey(): string {
    return this.apiKey.secretKey;
  }
}
