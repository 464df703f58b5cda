// Screen 3 (energy) as a Storage module ("ui3", build/meterUi/ui3.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { energyScreen } from "../../../modules/ui/screens/energy";

export default energyScreen;
