// https://keyform.dev/providers/keyform/keyform/0.1.0/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface KeyformProviderConfig {
  /**
  * ApiKeyService endpoint as host:port (also KEYFORM_ENDPOINT). Unset: the embedded default store under data_dir.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#endpoint KeyformProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * Admin bearer token (also KEYFORM_TOKEN).
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#token KeyformProvider#token}
  */
  readonly token?: string;
  /**
  * Service-account API key secret (also KEYFORM_API_KEY); manages only that account's keys.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#api_key KeyformProvider#api_key}
  */
  readonly apiKey?: string;
  /**
  * PEM file of the CA that signed the endpoint's certificate (also KEYFORM_CA_FILE). Unset: system roots.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#ca_file KeyformProvider#ca_file}
  */
  readonly caFile?: string;
  /**
  * Plaintext gRPC without TLS (also KEYFORM_INSECURE=1). Meant for loopback endpoints only.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#insecure KeyformProvider#insecure}
  */
  readonly insecure?: boolean | cdktf.IResolvable;
  /**
  * Directory of the embedded default store (also KEYFORM_DATA_DIR). Default: .keyform
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#data_dir KeyformProvider#data_dir}
  */
  readonly dataDir?: string;
  /**
  * Service accounts whose keys are managed exclusively: `keyform plan` deletes keys under them that no resource declares. Terraform itself ignores this setting.
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#exclusive_service_accounts KeyformProvider#exclusive_service_accounts}
  */
  readonly exclusiveServiceAccounts?: string[];
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#alias KeyformProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs keyform}
*/
export class KeyformProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyform";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a KeyformProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the KeyformProvider to import
  * @param importFromId The id of the existing KeyformProvider that should be imported. Refer to the {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the KeyformProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "keyform", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://keyform.dev/providers/keyform/keyform/0.1.0/docs keyform} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options KeyformProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: KeyformProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'keyform',
      terraformGeneratorMetadata: {
        providerName: 'keyform',
        providerVersion: '0.1.0'
      },
      terraformProviderSource: 'keyform.dev/keyform/keyform'
    });
    this._endpoint = config.endpoint;
    this._token = config.token;
    this._apiKey = config.apiKey;
    this._caFile = config.caFile;
    this._insecure = config.insecure;
    this._dataDir = config.dataDir;
    this._exclusiveServiceAccounts = config.exclusiveServiceAccounts;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // api_key - computed: false, optional: true, required: false
  private _apiKey?: string; 
  public get apiKey() {
    return this._apiKey;
  }
  public set apiKey(value: string | undefined) {
    this._apiKey = value;
  }
  public resetApiKey() {
    this._apiKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get apiKeyInput() {
    return this._apiKey;
  }

  // ca_file - computed: false, optional: true, required: false
  private _caFile?: string; 
  public get caFile() {
    return this._caFile;
  }
  public set caFile(value: string | undefined) {
    this._caFile = value;
  }
  public resetCaFile() {
    this._caFile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get caFileInput() {
    return this._caFile;
  }

  // insecure - computed: false, optional: true, required: false
  private _insecure?: boolean | cdktf.IResolvable; 
  public get insecure() {
    return this._insecure;
  }
  public set insecure(value: boolean | cdktf.IResolvable | undefined) {
    this._insecure = value;
  }
  public resetInsecure() {
    this._insecure = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get insecureInput() {
    return this._insecure;
  }

  // data_dir - computed: false, optional: true, required: false
  private _dataDir?: string; 
  public get dataDir() {
    return this._dataDir;
  }
  public set dataDir(value: string | undefined) {
    this._dataDir = value;
  }
  public resetDataDir() {
    this._dataDir = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get dataDirInput() {
    return this._dataDir;
  }

  // exclusive_service_accounts - computed: false, optional: true, required: false
  private _exclusiveServiceAccounts?: string[]; 
  public get exclusiveServiceAccounts() {
    return this._exclusiveServiceAccounts;
  }
  public set exclusiveServiceAccounts(value: string[] | undefined) {
    this._exclusiveServiceAccounts = value;
  }
  public resetExclusiveServiceAccounts() {
    this._exclusiveServiceAccounts = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exclusiveServiceAccountsInput() {
    return this._exclusiveServiceAccounts;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      endpoint: cdktf.stringToTerraform(this._endpoint),
      token: cdktf.stringToTerraform(this._token),
      api_key: cdktf.stringToTerraform(this._apiKey),
      ca_file: cdktf.stringToTerraform(this._caFile),
      insecure: cdktf.booleanToTerraform(this._insecure),
      data_dir: cdktf.stringToTerraform(this._dataDir),
      exclusive_service_accounts: cdktf.listMapper(cdktf.stringToTerraform, false)(this._exclusiveServiceAccounts),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      endpoint: {
        value: cdktf.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      api_key: {
        value: cdktf.stringToHclTerraform(this._apiKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ca_file: {
        value: cdktf.stringToHclTerraform(this._caFile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      insecure: {
        value: cdktf.booleanToHclTerraform(this._insecure),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      data_dir: {
        value: cdktf.stringToHclTerraform(this._dataDir),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      exclusive_service_accounts: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._exclusiveServiceAccounts),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
