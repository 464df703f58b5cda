// Screen 6 (network) as a Storage module ("ui6", build/meterUi/ui6.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { network } from "../../../modules/ui/screens/network";

export default network;
