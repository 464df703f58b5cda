// Screen 8 (calibrate) as a Storage module ("ui8", build/meterUi/ui8.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { calibrate } from "../../../modules/ui/screens/calibrate";

export default calibrate;
