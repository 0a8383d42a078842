"""qriskit (PyPI): "Parse, validate, build and convert QRIS (Indonesian QR payment) payloads".

Declares the qris profile only: its validate applies QRIS rules (e.g. 26.01 all digits) to any
payload, so it is not a generic EMV validator, and a profile is declared for all ops at once.

  parse    <- qriskit.parse(payload).nodes, templates through qriskit.model.children_of(value)
  validate <- qriskit.validate(payload): error-severity issues make it invalid (codes kept);
              a QRISParseError is a refusal
  build    <- qriskit.model.seal(nodes).dumps() with qriskit.Node per object (templates'
              values are qriskit.tlv.encode of their children)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_lib"))
from jsonl_loop import Refused, check_objects, installed_version, is_template, serve  # noqa: E402

import qriskit  # noqa: E402
from qriskit import model, tlv  # noqa: E402


def to_objects(nodes, parent=None):
    objects = []
    for node in nodes:
        children = model.children_of(node.value) if is_template(node.tag, parent) else None
        objects.append({"id": node.tag, "children": to_objects(children, node.tag)} if children
                       else {"id": node.tag, "value": node.value})
    return objects


def to_nodes(objects):
    return [qriskit.Node(o["id"], tlv.encode(to_nodes(o["children"])) if "children" in o else o["value"])
            for o in objects]


def parse(request):
    if request.get("mode") == "cpm":
        raise Refused("unsupported", "qriskit reads MPM only")
    return {"objects": to_objects(qriskit.parse(request["payload"]).nodes)}


def validate(request):
    errors = [i for i in qriskit.validate(request["payload"]) if i.severity == "error"]
    return {"valid": not errors,
            "violations": [{"rule": f"qriskit.{i.code}", "message": f"{i.path or ''} {i.message}".strip()} for i in errors]}


def build(request):
    if request.get("mode") == "cpm":
        raise Refused("unsupported", "qriskit builds MPM only")
    check_objects(request.get("objects"))
    return {"payload": model.seal(to_nodes(request["objects"])).dumps()}


serve(name="qriskit", version=installed_version("qriskit"), profiles=["qris"],
      ops={"parse": parse, "validate": validate, "build": build})
