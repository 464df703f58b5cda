/** What the API sees: the aggregator's state, the login, the stored browser app. */
import { Aggregator } from "../aggregator";
import { AuthState, AuthConfig } from "../../http/authState";
import { AssetFiles } from "../../http/assets";

export interface WebApp {
  agg: Aggregator;
  auth: AuthState;
  /** The browser app's files (on the device the SPI NOR, modules/http/assetsOnNor.ts); null: API only. */
  files: AssetFiles | null;
  /** Whether reading needs no login (GET /api/session tells the browser). */
  publicRead: boolean;
  /** Keeps a password set through the API (first run or change); false when it could not be written. */
  saveAuth: (cfg: AuthConfig) => boolean;
}
