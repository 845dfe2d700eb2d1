/**
 * The demo service accounts of the embedded default. The server creates them, so they are
 * defined in src/server (which may not import src/embedded); examples and tests import them here.
 */
export { DEMO_FOLDER_ID, DEMO_SERVICE_ACCOUNTS } from "../server/demo-service-accounts.js";
