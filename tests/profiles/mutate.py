"""Make a deliberately broken copy of a payload: change, drop or move one object, then rebuild it
with a correct CRC, so that only the intended rule can fire."""
from __future__ import annotations

from qrinterop.emv.mpm import build_mpm, parse_mpm


def _edit(objects: list[dict], parts: list[str], action) -> list[dict]:
    out = []
    hit = False
    for o in objects:
        if o["id"] == parts[0]:
            hit = True
            if len(parts) == 1:
                new = action(o)
                if new is not None:
                    out.append(new)
                continue
            o = {"id": o["id"], "children": _edit(o["children"], parts[1:], action)}
        out.append(o)
    if not hit:
        new = action(None)
        if new is not None:
            out.append({"id": parts[0], **new} if "id" not in new else new)
    return out


def mutate(payload: str, path: str, value: str | None = None, *, drop: bool = False, rename: str | None = None) -> str:
    """`payload` with the object at `path` set to `value` (added if absent), dropped, or given a new ID."""
    objects = parse_mpm(payload).to_objects()

    def action(o):
        if drop:
            return None
        if rename is not None:
            return {**o, "id": rename}
        return {"id": path.rpartition(".")[2], "value": value}

    return build_mpm(_edit(objects, path.split("."), action))


def add_object(payload: str, obj: dict) -> str:
    """`payload` with one more root object (`{"id", "value"}` or `{"id", "children"}`), CRC recomputed."""
    return build_mpm([*parse_mpm(payload).to_objects(), obj])
