/** What the pages see: the aggregator's state and the login. */
import { Aggregator } from "../aggregator";
import { Auth } from "../../http/auth";

export interface WebApp {
  agg: Aggregator;
  auth: Auth;
}
