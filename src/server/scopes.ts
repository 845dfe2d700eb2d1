/**
 * The scopes ListScopes reports: the services an API key can be restricted to. Create and
 * Update do not restrict scopes to this list (the public API adds scopes over time and
 * clients must not be rejected for naming a newer one).
 */
export const API_KEY_SCOPES: readonly string[] = [
  "yc.ai.foundationModels.execute",
  "yc.ai.imageGeneration.execute",
  "yc.ai.languageModels.execute",
  "yc.ai.speechkitStt.execute",
  "yc.ai.speechkitTts.execute",
  "yc.ai.translate.execute",
  "yc.ai.vision.execute",
  "yc.monitoring.manage",
  "yc.monitoring.read",
  "yc.postbox.send",
  "yc.search-api.execute",
  "yc.serverless.containers.invoke",
  "yc.serverless.functions.invoke",
  "yc.ydb.tables.manage",
  "yc.ydb.topics.manage",
];
