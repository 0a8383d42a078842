"""Crypto primitives the wallets share (HMAC-SHA256, SHA256withRSA PKCS#1 v1.5, AES-256-GCM)
and the two checks every signed request gets: freshness and replay.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qrinterop.simulators.engine.errors import Kind, SimError
from qrinterop.simulators.engine.replay import ReplayGuard


def hmac_sha256_b64(secret: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode()


def hmac_sha256_hex(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@lru_cache(maxsize=64)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


@lru_cache(maxsize=64)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def rsa_sign_b64(private_pem: str, message: bytes) -> str:
    sig = load_private_key(private_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(sig).decode()


def rsa_verify_b64(public_pem: str, message: bytes, signature_b64: str) -> bool:
    try:
        sig = base64.b64decode(signature_b64, validate=True)
        load_public_key(public_pem).verify(sig, message, padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError):
        return False


def new_rsa_key_pem(bits: int = 2048) -> tuple[str, str]:
    """A fresh (private, public) PEM pair. Generated at run time; no key is ever committed."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def aes_gcm_encrypt_b64(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> str:
    """Ciphertext || 16-byte tag, base64 — the layout WeChat Pay's AEAD_AES_256_GCM resource uses."""
    return base64.b64encode(AESGCM(key).encrypt(nonce, plaintext, associated_data)).decode()


def aes_gcm_decrypt_b64(key: bytes, nonce: bytes, ciphertext_b64: str, associated_data: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, base64.b64decode(ciphertext_b64), associated_data)


def check_fresh(timestamp: str, now: float, window: float, *, what: str = "timestamp") -> float:
    """Parse an epoch-seconds timestamp and refuse it if it is more than `window` s from `now`."""
    try:
        ts = float(timestamp)
    except ValueError:
        ts = math.nan
    if not math.isfinite(ts):
        raise SimError(Kind.BAD_SIGNATURE, f"{what} {timestamp[:40]!r} is not epoch seconds")
    if abs(now - ts) > window:
        raise SimError(Kind.STALE_SIGNATURE,
                       f"{what} {timestamp} is {abs(now - ts):.0f} s from server time; the window is {window:.0f} s")
    return ts


def check_not_replayed(guard: ReplayGuard, scope: str, nonce: str, *, now: float, until: float) -> None:
    """Refuse a nonce already used in `scope` (wallet:merchant) while the request is still valid."""
    if not guard.check_and_remember(scope, nonce, now=now, until=until):
        raise SimError(Kind.REPLAYED_SIGNATURE, "this nonce was already used (replayed request)")
