"""Reads live authenticated readings from the simulated meter network through its
SLCAN endpoint with Debian's python3-can (run by slcan.test.ts):

    /usr/bin/python3 slcanReadings.py PORT CAN_ID COUNT

Sends a remote frame (DLC 8) for CAN_ID, waits for the meter's data frame with that
id, COUNT times; prints one JSON line per answer {"id", "data"} (hex) and exits 0,
or prints "FAIL ..." and exits 1 (2 when python3-can is missing).
"""
import json
import sys
import time

try:
    import can
except ImportError:
    print("FAIL python3-can missing: run apt-get install -y python3-can")
    sys.exit(2)

port, can_id, count = int(sys.argv[1]), int(sys.argv[2], 0), int(sys.argv[3])
bus = can.Bus(interface="slcan", channel="socket://127.0.0.1:%d" % port, sleep_after_open=0)
got = 0
try:
    for _ in range(count):
        bus.send(can.Message(arbitration_id=can_id, is_extended_id=False, is_remote_frame=True, dlc=8))
        end = time.time() + 5.0
        answer = None
        while answer is None and time.time() < end:
            m = bus.recv(timeout=max(0.01, end - time.time()))
            if m is not None and m.arbitration_id == can_id and not m.is_remote_frame:
                answer = m
        if answer is None:
            print("FAIL no data frame 0x%x within 5 s" % can_id)
            sys.exit(1)
        print(json.dumps({"id": answer.arbitration_id, "data": bytes(answer.data).hex()}), flush=True)
        got += 1
        time.sleep(0.2)
finally:
    bus.shutdown()
