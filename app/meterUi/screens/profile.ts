// Screen 2 (profile) as a Storage module ("ui2", build/meterUi/ui2.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { profile } from "../../../modules/ui/screens/profile";

export default profile;
