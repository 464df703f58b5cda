"""Drives the virtual bus through its SLCAN TCP endpoint with Debian's python3-can.

Run by slcanPython.test.ts: /usr/bin/python3 slcanRoundTrip.py PORT
Prints one line per check ("ok NAME" / "FAIL NAME: why") and "N passed, M failed".
"""
import sys

try:
    import can
except ImportError:
    print("FAIL import: python3-can missing: run apt-get install -y python3-can")
    sys.exit(2)

port = int(sys.argv[1])
bus = can.Bus(interface="slcan", channel="socket://127.0.0.1:%d" % port, sleep_after_open=0)
passed = 0
failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


def expect(pred, timeout=2.0):
    """First received message matching pred, within timeout seconds."""
    import time
    end = time.time() + timeout
    while time.time() < end:
        m = bus.recv(timeout=max(0.01, end - time.time()))
        if m is not None and pred(m):
            return m
    return None


def desc(m):
    return None if m is None else "id=%x ext=%s rtr=%s dlc=%d data=%s" % (
        m.arbitration_id, m.is_extended_id, m.is_remote_frame, m.dlc, bytes(m.data).hex())


# 1. standard remote frame, answered by the virtual meter's auto-reply slot
bus.send(can.Message(arbitration_id=0x123, is_extended_id=False, is_remote_frame=True, dlc=8))
m = expect(lambda m: m.arbitration_id == 0x123)
check("std remote -> auto-reply data", m is not None and not m.is_remote_frame and not m.is_extended_id
      and bytes(m.data) == bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]), desc(m))

# 2. extended remote frame, answered by the virtual node's application
bus.send(can.Message(arbitration_id=0x1234567, is_extended_id=True, is_remote_frame=True, dlc=4))
m = expect(lambda m: m.arbitration_id == 0x1234567)
check("ext remote -> app data", m is not None and m.is_extended_id and not m.is_remote_frame
      and bytes(m.data) == bytes([0xCA, 0xFE, 0x00, 0x04]), desc(m))

# 3. standard data frame, echoed with id+1 and reversed data; the node then sends remote frames
bus.send(can.Message(arbitration_id=0x321, is_extended_id=False, data=[1, 2, 3]))
m = expect(lambda m: m.arbitration_id == 0x322)
check("std data -> std data echo", m is not None and not m.is_extended_id and not m.is_remote_frame
      and bytes(m.data) == bytes([3, 2, 1]), desc(m))
m = expect(lambda m: m.arbitration_id == 0x456)
check("receive std remote", m is not None and m.is_remote_frame and not m.is_extended_id and m.dlc == 2, desc(m))
m = expect(lambda m: m.arbitration_id == 0x1ABCDEF0)
check("receive ext remote", m is not None and m.is_remote_frame and m.is_extended_id and m.dlc == 5, desc(m))

# 4. extended data frame, echoed inverted
bus.send(can.Message(arbitration_id=0x18FF1234, is_extended_id=True, data=[0, 1, 2, 3, 4, 5, 6, 0xFF]))
m = expect(lambda m: m.arbitration_id == 0x18FF1235)
check("ext data -> ext data echo", m is not None and m.is_extended_id and not m.is_remote_frame
      and bytes(m.data) == bytes([0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0x00]), desc(m))

bus.shutdown()
print("%d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
