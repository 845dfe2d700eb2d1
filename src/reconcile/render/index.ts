export { renderPlanText } from "./text.js";
export type { TextOptions } from "./text.js";
export { renderPlanJson, PLAN_JSON_FORMAT_VERSION } from "./json.js";
export { renderPlanMarkdown } from "./markdown.js";
export { summaryLine, planCounts, REASON_TEXT, actionText } from "./plan-summary.js";
