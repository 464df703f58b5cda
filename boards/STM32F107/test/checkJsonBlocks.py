"""Checks the /*JSON{...}*/ blocks of jswrap files the way Espruino's build reads
them (its scripts/common.py: a block ends at the first newline followed by '}',
the text after it is the description), and that each "generate" names a C
function defined in the same file. Usage: python3 checkJsonBlocks.py FILE...
Prints one line per file; exits 1 on the first bad block."""
import json
import re
import sys

bad = 0
for path in sys.argv[1:]:
    src = open(path).read()
    blocks = re.findall(r"/\*JSON.*?\*/", src, re.MULTILINE | re.DOTALL)
    names = []
    for comment in blocks:
        body = comment[6:-2]
        end = body.find("\n}") + 2
        if end < 2:
            print(f"{path}: block without a closing '}}' at the start of a line: {body[:60]!r}")
            bad = 1
            continue
        try:
            data = json.loads(body[:end])
        except ValueError as e:
            print(f"{path}: JSON does not parse ({e}): {body[:60]!r}")
            bad = 1
            continue
        gen = data.get("generate")
        if gen:
            if not re.search(r"^[A-Za-z_][\w \*]*\b" + re.escape(gen) + r"\s*\(", src, re.MULTILINE):
                print(f"{path}: no C function {gen}")
                bad = 1
            names.append(gen)
    print(f"{path}: {len(blocks)} blocks, {len(names)} generated functions")
sys.exit(bad)
