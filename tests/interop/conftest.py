"""Make `qrinterop.interop` importable from the checkout's interop/ folder when the installed
package does not map it yet (setup.py's ROOTS gains "qrinterop.interop": "interop")."""
import importlib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

try:
    importlib.import_module("qrinterop.interop")
except ModuleNotFoundError:
    import qrinterop
    spec = importlib.util.spec_from_file_location("qrinterop.interop", ROOT / "interop" / "__init__.py",
                                                  submodule_search_locations=[str(ROOT / "interop")])
    module = importlib.util.module_from_spec(spec)
    sys.modules["qrinterop.interop"] = module
    spec.loader.exec_module(module)
    qrinterop.interop = module
