// Aggregator entry point: wiring only. Polling, billing and the web server attach
// here as they land.
print("meternet aggregator: started");
