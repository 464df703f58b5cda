#!/usr/bin/python3
"""Loads a DBC with canmatrix and prints what it understood, as JSON, for dbc.test.ts.

stdin: {frame id: {signal name: raw value}}; the script encodes those raw values with
canmatrix's Frame.encode (raw values in 0.9.5) so the test can compare bytes.
canmatrix prints "Error with line no" and drops signals it cannot parse: the script
counts BO_/SG_ lines in the text itself and captures the log.
"""
import io, json, logging, re, sys

log = io.StringIO()
logging.basicConfig(stream=log, level=logging.WARNING)
import canmatrix.formats  # noqa: E402  (after logging is captured)

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
samples = json.load(sys.stdin)
bo = len(re.findall(r"^BO_ ", text, re.M))
sg = len(re.findall(r"^ SG_ ", text, re.M))
errors = []
db = canmatrix.formats.loadp_flat(path)
frames = []
for f in db.frames:
    sigs = []
    for s in f.signals:
        sigs.append({
            "name": s.name,
            "start": s.get_startbit(bit_numbering=1),  # DBC numbering: Motorola gives its MSB
            "size": int(s.size), "little": bool(s.is_little_endian), "signed": bool(s.is_signed),
            "factor": float(s.factor), "offset": float(s.offset), "min": float(s.min), "max": float(s.max),
            "unit": s.unit, "comment": s.comment,
            "values": {str(k): v for k, v in s.values.items()},
            "multiplex": None if s.multiplex is None else str(s.multiplex),
        })
    raw = samples.get(str(f.arbitration_id.id), {})
    try:
        enc = f.encode({k: int(v) for k, v in raw.items()}).hex()
    except Exception as e:  # reported, not raised: the test shows which frame
        enc = "encode error: %r" % (e,)
    frames.append({"id": f.arbitration_id.id, "extended": bool(f.arbitration_id.extended), "name": f.name,
                   "size": int(f.size), "transmitters": list(f.transmitters), "comment": f.comment,
                   "signals": sigs, "encoded": enc})
for line in log.getvalue().splitlines():
    if "rror" in line:
        errors.append(line)
print(json.dumps({"boLines": bo, "sgLines": sg, "frames": frames, "errors": errors}))
