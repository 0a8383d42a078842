"""qrinterop: interoperability test harness and wallet simulator for unified payment QR codes."""

__version__ = "0.1.0"
