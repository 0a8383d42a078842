"""EMV QR codecs: merchant-presented (MPM, decimal TLV) and consumer-presented (CPM, BER-TLV)."""
