/**
 * Service accounts the embedded default creates on first use, with fixed ids so that the
 * examples can name them. Ids follow the public format: `aje` + 17 characters of [0-9a-v].
 * Defined with the server that creates them (src/server may not import src/embedded, which
 * re-exports them); no imports, so examples can load them cheaply.
 */
export const DEMO_FOLDER_ID = "b1gdemofolder0000001";

export const DEMO_SERVICE_ACCOUNTS = [
  { id: "ajedemo0000000000001", name: "demo-app", description: "Demo application (created by keyform's embedded default)" },
  { id: "ajedemo0000000000002", name: "demo-billing", description: "Demo billing service (created by keyform's embedded default)" },
  { id: "ajedemo0000000000003", name: "demo-ci", description: "Demo CI pipeline (created by keyform's embedded default)" },
] as const;
