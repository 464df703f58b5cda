// Screen 7 (settings) as a Storage module ("ui7", build/meterUi/ui7.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { settings } from "../../../modules/ui/screens/settings";

export default settings;
