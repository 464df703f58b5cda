// Screen 4 (quality) as a Storage module ("ui4", build/meterUi/ui4.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { quality } from "../../../modules/ui/screens/quality";

export default quality;
