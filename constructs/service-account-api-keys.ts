import { Construct } from "constructs";
import { Aspects, type TerraformProvider } from "cdktf";
import { ApiKey } from "./providers/keyform/api-key/index.js";
import type { KeyformProvider } from "./providers/keyform/provider/index.js";
import { apiKeyPropsProblems, serviceAccountIdProblems, type ApiKeyProps } from "./api-key-props.js";
import { addExclusiveServiceAccount, findKeyformProvider, keyformProviderProblems } from "./keyform-provider-lookup.js";
import { createKeyOutputs, TERRAFORM_NAME, type KeyOutputs } from "./key-outputs.js";

/** Props of {@link ServiceAccountApiKeys}. */
export interface ServiceAccountApiKeysConfig {
  /** Service account that owns every key of the set (at most 50 characters). */
  readonly serviceAccountId: string;
  /**
   * The keys, by name. A name becomes part of the resource and output names, so it must be
   * a Terraform name (letters, digits, `_`, `-`; not starting with a digit or `-`).
   */
  readonly keys: Readonly<Record<string, ApiKeyProps>>;
  /**
   * Manage the account's keys exclusively: `keyform plan` deletes keys under the account that
   * this stack does not declare. Recorded in the keyform provider's
   * `exclusive_service_accounts` (Terraform itself ignores that setting).
   * @default false
   */
  readonly exclusive?: boolean;
  /**
   * Provider the keys use.
   * @default - the stack's keyform provider without alias (synth fails if there is none)
   */
  readonly provider?: KeyformProvider;
  /**
   * Prefix of the resource and output names: key `ci` becomes `keyform_api_key.<prefix>_ci`
   * with outputs `<prefix>_ci_id`, `<prefix>_ci_masked_secret` and `<prefix>_ci_secret_key`.
   * Must be unique within the stack.
   * @default - this construct's id
   */
  readonly namePrefix?: string;
}

/**
 * A set of named API keys of one service account, optionally exclusive. Each key's secret
 * is a sensitive output (or, with age recipients, the encrypted secret); its id and masked
 * secret are plain outputs. Validation runs at synth with messages prefixed by this
 * construct's path.
 */
export class ServiceAccountApiKeys extends Construct {
  /** Service account that owns the keys. */
  public readonly serviceAccountId: string;
  /** Whether keys of the account that the stack does not declare are deleted by keyform. */
  public readonly exclusive: boolean;
  /** Prefix of resource and output names. */
  public readonly namePrefix: string;
  private readonly keyResources = new Map<string, ApiKey>();
  private readonly keyOutputs = new Map<string, KeyOutputs>();

  public constructor(scope: Construct, id: string, config: ServiceAccountApiKeysConfig) {
    super(scope, id);
    this.serviceAccountId = config.serviceAccountId;
    this.exclusive = config.exclusive ?? false;
    this.namePrefix = config.namePrefix ?? id;
    const provider: TerraformProvider | undefined = config.provider;

    for (const [name, props] of Object.entries(config.keys)) {
      const key = new ApiKey(this, name, {
        serviceAccountId: config.serviceAccountId,
        description: props.description,
        scopes: props.scopes,
        expiresAt: props.expiresAt,
        rotateAfter: props.rotateAfter,
        keepers: props.keepers,
        ageRecipients: props.ageRecipients,
        provider,
      });
      key.overrideLogicalId(`${this.namePrefix}_${name}`);
      this.keyResources.set(name, key);
      this.keyOutputs.set(name, createKeyOutputs(this, `${name}_`, `${this.namePrefix}_${name}`, key, props.ageRecipients !== undefined));
    }

    this.node.addValidation({
      validate: () => [
        ...serviceAccountIdProblems(config.serviceAccountId),
        ...(Object.keys(config.keys).length === 0 ? ["keys must declare at least one key"] : []),
        ...(TERRAFORM_NAME.test(this.namePrefix) ? [] : [`namePrefix "${this.namePrefix}" is not a Terraform name (letters, digits, _ and -): pass namePrefix`]),
        ...Object.entries(config.keys).flatMap(([name, props]) => [
          ...(TERRAFORM_NAME.test(name) ? [] : [`keys.${name}: the name must be a Terraform name (letters, digits, _ and -, not starting with a digit or -)`]),
          ...apiKeyPropsProblems(props, `keys.${name}.`),
        ]),
        ...keyformProviderProblems(this, provider),
      ],
    });

    if (this.exclusive) {
      // Recorded when the stack is synthesized (aspects run before validation), so the
      // provider may be created before or after this construct.
      Aspects.of(this).add({
        visit: (node) => {
          if (node !== this) return;
          const target = config.provider ?? findKeyformProvider(this);
          if (target) addExclusiveServiceAccount(target, config.serviceAccountId);
        },
      });
    }
  }

  /** Names of the declared keys, in declaration order. */
  public get keyNames(): string[] {
    return [...this.keyResources.keys()];
  }

  /** The `keyform_api_key` resource of key `name`; throws naming the known keys if there is none. */
  public key(name: string): ApiKey {
    const key = this.keyResources.get(name);
    if (!key) throw new Error(`${this.node.path}: no key named "${name}" (keys: ${this.keyNames.join(", ")})`);
    return key;
  }

  /** The outputs of key `name` (id, masked secret, secret); throws if there is no such key. */
  public outputs(name: string): KeyOutputs {
    this.key(name);
    return this.keyOutputs.get(name) as KeyOutputs;
  }

  /** Token of key `name`'s secret (sensitive; null in state when the key has age recipients). */
  public secretKey(name: string): string {
    return this.key(name).secretKey;
  }

  /** Token of key `name`'s id. */
  public keyId(name: string): string {
    return this.key(name).id;
  }
}
