/**
 * The vocabulary of resource definitions: the same shape Terraform uses in
 * `terraform providers schema -json`, plus what keyform needs to plan (update-mask paths,
 * replacement) that Terraform's schema does not carry.
 */

/** A Terraform type expression in its JSON form: "string", ["list","string"], ["object",{...}]. */
export type TerraformType =
  | "string"
  | "number"
  | "bool"
  | readonly ["list" | "set" | "map", TerraformType]
  | readonly ["object", { readonly [name: string]: TerraformType }];

/** Exactly one of these, as Terraform requires. */
export type AttributeMode = "required" | "optional" | "computed" | "optional_computed";

/** The update_mask paths that UpdateApiKeyRequest accepts. */
export type UpdateMaskPath = "description" | "scopes" | "expires_at";

export interface AttributeDefinition {
  readonly name: string;
  readonly type: TerraformType;
  readonly mode: AttributeMode;
  readonly description: string;
  readonly sensitive?: boolean;
  /** A change of this attribute replaces the object (Terraform's "forces replacement"). */
  readonly forcesReplacement?: boolean;
  /** The update_mask path that changes this attribute in place. */
  readonly updateMaskPath?: UpdateMaskPath;
  /**
   * Some values cannot be set in place even though the attribute is updatable (the API
   * rejects an empty scopes list in Update); such a change replaces the object instead.
   */
  readonly replacesWhen?: (newValue: unknown) => boolean;
}

export interface ResourceDefinition {
  /** Terraform type name, e.g. `keyform_api_key`. */
  readonly typeName: string;
  readonly description: string;
  /** Schema version stored in state; bump with an upgrader when attributes change shape. */
  readonly schemaVersion: number;
  readonly attributes: readonly AttributeDefinition[];
}

export function attributeNamed(definition: ResourceDefinition, name: string): AttributeDefinition {
  const attribute = definition.attributes.find((candidate) => candidate.name === name);
  if (!attribute) throw new Error(`${definition.typeName} has no attribute ${name}`);
  return attribute;
}

/** Attributes a configuration may set (required or optional). */
export function configurableAttributes(definition: ResourceDefinition): AttributeDefinition[] {
  return definition.attributes.filter((attribute) => attribute.mode !== "computed");
}
