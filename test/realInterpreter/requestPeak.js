// Written to Storage as ".boot1" (it runs after the prelude, before the bundle) only by
// the scenarios that send HTTP requests (host/runtime/accounting/scenarios.ts "client").
// Wraps the http server's callback so that every reply's write() and end() first record
// the JsVars in use WITHOUT a garbage collection (what the request has allocated so far
// still counts): reqPeak.max is the highest figure over all requests, reqPeak.by[method path]
// the highest per route. The console reads reqPeak (test/realInterpreter/measureJsVars.ts).
// reqPeak.gc = true (set at the console) collects first: the figures are then what the
// request holds live at that point, not live + garbage (a diagnosis; slower).
// It also takes out the prelude's MeterADC stand-in (about 144 JsVars at aggregator1 on 2v29):
// these scenarios ask whether the aggregator survives a browser at its chip's variables, and
// the aggregator's image has no MeterADC (boards/STM32F107/METERNET_F107.py: "no MeterADC"
// for METERNET_F107_AGG). The scenarios without a client keep it: they are the host
// estimate's calibration points, whose accounting subtracts the prelude alone.
// Plain ES5 for Espruino 2v29.
if ((require("Storage").readJSON("meternet.json", 1) || {}).role === "aggregator") delete global.MeterADC;
var reqPeak = { max: 0, n: 0, url: "", by: {}, gc: false };
(function () {
  var http = require("http");
  var create = http.createServer;
  http.createServer = function (cb) {
    return create(function (req, res) {
      var w = res.write, e = res.end;
      var probe = function () {
        var u = process.memory(reqPeak.gc).usage;
        var k = req.method + " " + req.url.split("?")[0];
        if (u > reqPeak.max) { reqPeak.max = u; reqPeak.url = k; }
        if (!(reqPeak.by[k] >= u)) reqPeak.by[k] = u;
      };
      res.write = function (d) { probe(); return w.apply(res, [d]); };
      res.end = function (d) { probe(); reqPeak.n++; return e.apply(res, [d]); };
      cb(req, res);
    });
  };
})();
