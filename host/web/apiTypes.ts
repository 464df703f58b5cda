/** The JSON API's types live with the browser app that reads them (modules/web/apiTypes.ts). */
export type * from "../../modules/web/apiTypes.ts";
