// Meter entry point: wiring only. The measurement chain and CAN protocol modules
// attach here as they land.
print("meternet meter: started");
