"""Random but reproducible faults for the example IUTs' robustness and agreement tests."""
from __future__ import annotations

import copy
import random

from iut_process import seal

_NOISE = "0123456789AF.*é𠮷\x00\"\\{}"

# Values chosen to sit on the edges of the MPM rules: zero and comma amounts, percentages
# around 00.01-99.99, lower-case country, astral and Latin-1 characters, C0/C1 controls,
# GUI and name lengths one past their limits, tip indicators 01-04.
EDGE_VALUES = ["0", "0.00", "100", "99.99", "0.01", "00.01", "1.", ".5", "98.", "98,73", "AB", "ab", "A",
               "𠮷", "x" * 26, "y" * 16, "\x01", "\x85", "é", "12", "11", "13", "01", "02", "03", "04",
               "MEA", "AA", "AME", "Z", "392", "999", "4111", "41111", "D156", "jp.or.x", "z" * 33, "***", " "]
IDS = ["00", "01", "02", "15", "26", "29", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61",
       "62", "63", "64", "65", "80", "91"]


def mutate(rng: random.Random, text: str) -> str:
    """1-4 character edits: replace, insert, delete, or cut the rest off."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(chars) + 1)
        kind = rng.randrange(4)
        if kind == 0 and chars:
            chars[min(i, len(chars) - 1)] = rng.choice(_NOISE)
        elif kind == 1:
            chars.insert(i, rng.choice(_NOISE))
        elif kind == 2 and chars:
            del chars[min(i, len(chars) - 1)]
        else:
            chars = chars[:i]
    return "".join(chars)


def _encode(objects: list[dict], root: bool) -> str:
    """Encode a tree by hand (lengths in code points), keeping duplicates and any order."""
    out = ""
    for obj in objects:
        if root and obj["id"] == "63":
            continue
        value = _encode(obj["children"], False) if "children" in obj else obj["value"]
        out += f"{obj['id']}{len(value):02d}{value}"
    return out


def _nodes(objects: list[dict], found: list) -> list:
    for obj in objects:
        found.append((objects, obj))
        if "children" in obj:
            _nodes(obj["children"], found)
    return found


def value_mutation(rng: random.Random, tree: list[dict]) -> str:
    """A well-formed, correctly sealed payload from `tree` with 1-3 object-level faults: a value
    set to an edge value, an object dropped, an object inserted (maybe a duplicate id), or a
    template's first child dropped. Only the rules about values and presence can break."""
    tree = copy.deepcopy(tree)
    for _ in range(rng.randint(1, 3)):
        level, obj = rng.choice(_nodes(tree, []))
        kind = rng.random()
        if kind < 0.6 and "value" in obj:
            obj["value"] = rng.choice(EDGE_VALUES)
        elif kind < 0.75:
            level.remove(obj)
        elif kind < 0.9:
            level.insert(rng.randrange(len(level) + 1), {"id": rng.choice([*IDS, obj["id"]]),
                                                          "value": rng.choice(EDGE_VALUES)})
        elif obj.get("children"):
            obj["children"].pop(0)
    body = _encode(tree, True)
    return seal(body) if body else "6304"
