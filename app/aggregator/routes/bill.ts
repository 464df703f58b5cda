// Storage module (modules/aggregator/pages/routeTable.ts): built alone, its text
// evaluates to this one function; the resident server loads it for a request.
export { billModule as default } from "../../../modules/aggregator/pages/bill";
