// Screen 0 (home) as a Storage module ("ui0", build/meterUi/ui0.js): evaluating it gives the
// screen's factory; what it imports is built into it (app/meterUi/main.ts).
import { home } from "../../../modules/ui/screens/home";

export default home;
