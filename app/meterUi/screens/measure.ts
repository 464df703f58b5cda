// Screen 1 (measure) as a Storage module ("ui1", build/meterUi/ui1.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { measure } from "../../../modules/ui/screens/measure";

export default measure;
