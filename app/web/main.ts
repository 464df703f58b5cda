// Browser app entry point (runs in the browser only, see modules/web/README.md):
// wiring only, the pages by route name.
import { start } from "../../modules/web/app";
import { dashboard } from "../../modules/web/pages/dashboard";
import { load } from "../../modules/web/pages/load";
import { prices } from "../../modules/web/pages/prices";
import { bill } from "../../modules/web/pages/bill";
import { control } from "../../modules/web/pages/control";
import { login, setup } from "../../modules/web/pages/login";
import { ota } from "../../modules/web/pages/ota";

start({ "": dashboard, load, prices, bill, control, ota, login, setup }, document.body);
