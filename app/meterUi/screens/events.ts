// Screen 5 (events) as a Storage module ("ui5", build/meterUi/ui5.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { events } from "../../../modules/ui/screens/events";

export default events;
