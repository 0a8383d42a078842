"""A misbehaving JSON-lines IUT for the adapter tests: what it does depends on the payload.

CRASH → writes to stderr and exits 3; HANG → sleeps; GARBAGE → prints a non-JSON line;
WRONGID → answers another id; FLOOD → one output line of 3 MB; NOISE → a blank line then a
correct answer; anything else → a correct echo. `--slow-start` sleeps before serving.
"""
import json
import sys
import time

if "--slow-start" in sys.argv:
    time.sleep(0.3)
print("fake iut started", file=sys.stderr, flush=True)
for line in sys.stdin:
    request = json.loads(line)
    rid, op = request["id"], request["op"]
    payload = request.get("payload", "")
    if op == "hello":
        answer = {"id": rid, "ok": True, "result": {"name": "fake", "version": "1", "ops": ["parse"],
                                                     "profiles": ["emv"]}}
    elif "CRASH" in payload:
        print(f"fatal: cannot handle {payload!r}", file=sys.stderr, flush=True)
        sys.exit(3)
    elif "HANG" in payload:
        time.sleep(3600)
        continue
    elif "GARBAGE" in payload:
        print("this is not json", flush=True)
        continue
    elif "WRONGID" in payload:
        answer = {"id": rid + 1000, "ok": True, "result": {"objects": []}}
    elif "FLOOD" in payload:
        sys.stdout.write('{"id": %d, "ok": true, "result": {"x": "%s"}}\n' % (rid, "A" * 3_000_000))
        sys.stdout.flush()
        continue
    elif "NOISE" in payload:
        print("", flush=True)
        answer = {"id": rid, "ok": True, "result": {"echo": payload}}
    elif "ERROR" in payload:
        answer = {"id": rid, "ok": False, "error": {"code": "mpm.crc.mismatch", "message": "bad crc"}}
    else:
        answer = {"id": rid, "ok": True, "result": {"echo": payload}}
    print(json.dumps(answer), flush=True)
