// https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ApiKeyConfig extends cdktf.TerraformMetaArguments {
  /**
  * Service account that owns the key (at most 50 characters). Changing it replaces the key.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#service_account_id ApiKey#service_account_id}
  */
  readonly serviceAccountId: string;
  /**
  * Free text, at most 256 characters. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#description ApiKey#description}
  */
  readonly description?: string;
  /**
  * Scopes the key grants (at most 100, unique, each at most 256 characters). Updated in place; removing every scope replaces the key.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#scopes ApiKey#scopes}
  */
  readonly scopes?: string[];
  /**
  * Expiry as an RFC 3339 timestamp between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59Z. Updated in place; removing it clears the expiry.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#expires_at ApiKey#expires_at}
  */
  readonly expiresAt?: string;
  /**
  * Replace the key once it is this old, e.g. `90d`, `720h`, `1d12h`. Combine with create_before_destroy so that the old and new secrets overlap.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#rotate_after ApiKey#rotate_after}
  */
  readonly rotateAfter?: string;
  /**
  * Arbitrary values; any change replaces the key (rotation on demand).
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#keepers ApiKey#keepers}
  */
  readonly keepers?: { [key: string]: string };
  /**
  * age recipients (`age1...`). When set, state holds only encrypted_secret_key (armored age) and secret_key stays null. Changing them replaces the key, because the secret cannot be re-read.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#age_recipients ApiKey#age_recipients}
  */
  readonly ageRecipients?: string[];
}

/**
* Represents a {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key keyform_api_key}
*/
export class ApiKey extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyform_api_key";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ApiKey resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ApiKey to import
  * @param importFromId The id of the existing ApiKey that should be imported. Refer to the {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ApiKey to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "keyform_api_key", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs/resources/api_key keyform_api_key} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ApiKeyConfig
  */
  public constructor(scope: Construct, id: string, config: ApiKeyConfig) {
    super(scope, id, {
      terraformResourceType: 'keyform_api_key',
      terraformGeneratorMetadata: {
        providerName: 'keyform',
        providerVersion: '0.1.0'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._serviceAccountId = config.serviceAccountId;
    this._description = config.description;
    this._scopes = config.scopes;
    this._expiresAt = config.expiresAt;
    this._rotateAfter = config.rotateAfter;
    this._keepers = config.keepers;
    this._ageRecipients = config.ageRecipients;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // service_account_id - computed: false, optional: false, required: true
  private _serviceAccountId?: string; 
  public get serviceAccountId() {
    return this.getStringAttribute('service_account_id');
  }
  public set serviceAccountId(value: string) {
    this._serviceAccountId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceAccountIdInput() {
    return this._serviceAccountId;
  }

  // description - computed: false, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // scopes - computed: false, optional: true, required: false
  private _scopes?: string[]; 
  public get scopes() {
    return this.getListAttribute('scopes');
  }
  public set scopes(value: string[]) {
    this._scopes = value;
  }
  public resetScopes() {
    this._scopes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get scopesInput() {
    return this._scopes;
  }

  // expires_at - computed: false, optional: true, required: false
  private _expiresAt?: string; 
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }
  public set expiresAt(value: string) {
    this._expiresAt = value;
  }
  public resetExpiresAt() {
    this._expiresAt = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get expiresAtInput() {
    return this._expiresAt;
  }

  // rotate_after - computed: false, optional: true, required: false
  private _rotateAfter?: string; 
  public get rotateAfter() {
    return this.getStringAttribute('rotate_after');
  }
  public set rotateAfter(value: string) {
    this._rotateAfter = value;
  }
  public resetRotateAfter() {
    this._rotateAfter = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rotateAfterInput() {
    return this._rotateAfter;
  }

  // keepers - computed: false, optional: true, required: false
  private _keepers?: { [key: string]: string }; 
  public get keepers() {
    return this.getStringMapAttribute('keepers');
  }
  public set keepers(value: { [key: string]: string }) {
    this._keepers = value;
  }
  public resetKeepers() {
    this._keepers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get keepersInput() {
    return this._keepers;
  }

  // age_recipients - computed: false, optional: true, required: false
  private _ageRecipients?: string[]; 
  public get ageRecipients() {
    return this.getListAttribute('age_recipients');
  }
  public set ageRecipients(value: string[]) {
    this._ageRecipients = value;
  }
  public resetAgeRecipients() {
    this._ageRecipients = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ageRecipientsInput() {
    return this._ageRecipients;
  }

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // masked_secret - computed: true, optional: false, required: false
  public get maskedSecret() {
    return this.getStringAttribute('masked_secret');
  }

  // secret_key - computed: true, optional: false, required: false
  public get secretKey() {
    return this.getStringAttribute('secret_key');
  }

  // encrypted_secret_key - computed: true, optional: false, required: false
  public get encryptedSecretKey() {
    return this.getStringAttribute('encrypted_secret_key');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      service_account_id: cdktf.stringToTerraform(this._serviceAccountId),
      description: cdktf.stringToTerraform(this._description),
      scopes: cdktf.listMapper(cdktf.stringToTerraform, false)(this._scopes),
      expires_at: cdktf.stringToTerraform(this._expiresAt),
      rotate_after: cdktf.stringToTerraform(this._rotateAfter),
      keepers: cdktf.hashMapper(cdktf.stringToTerraform)(this._keepers),
      age_recipients: cdktf.listMapper(cdktf.stringToTerraform, false)(this._ageRecipients),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      service_account_id: {
        value: cdktf.stringToHclTerraform(this._serviceAccountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      scopes: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._scopes),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      expires_at: {
        value: cdktf.stringToHclTerraform(this._expiresAt),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      rotate_after: {
        value: cdktf.stringToHclTerraform(this._rotateAfter),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      keepers: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._keepers),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      age_recipients: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._ageRecipients),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
