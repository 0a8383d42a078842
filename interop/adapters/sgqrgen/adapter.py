"""sgqrgen (PyPI): "parse, modify, and generate SGQR (Singapore Quick Response) codes".

  parse <- SgQRGenerator.parse_sgqr(payload): a flat dict id -> value, in payload order. The
           library reads no templates, so every object is given as a value (templates included),
           and it never refuses (it stops reading at what it cannot read).
  build <- SgQRGenerator.build_sgqr({id: value}) for flat objects; a template (objects with
           children) is refused: the library takes no nested objects.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_lib"))
from jsonl_loop import Refused, check_objects, installed_version, serve  # noqa: E402

from sgqrgen import SgQRGenerator  # noqa: E402


def parse(request):
    if request.get("mode") == "cpm":
        raise Refused("unsupported", "sgqrgen reads MPM only")
    return {"objects": [{"id": k, "value": v} for k, v in SgQRGenerator.parse_sgqr(request["payload"]).items()]}


def build(request):
    if request.get("mode") == "cpm":
        raise Refused("unsupported", "sgqrgen builds MPM only")
    objects = request.get("objects")
    check_objects(objects)
    if any("children" in o for o in objects):
        raise Refused("unsupported", "sgqrgen.build_sgqr takes flat tags only (no templates)")
    return {"payload": SgQRGenerator.build_sgqr({o["id"]: o["value"] for o in objects})}


serve(name="sgqrgen", version=installed_version("sgqrgen"), profiles=["emv", "sgqr"],
      ops={"parse": parse, "build": build})
