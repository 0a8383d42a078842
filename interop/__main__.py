"""`python -m qrinterop.interop [matrix options]`: the same as `qrinterop matrix`."""
import sys

from .commands import main

sys.exit(main(sys.argv[1:]))
