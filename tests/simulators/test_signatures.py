"""The wallets' signature schemes against the worked examples in notes/wallet-apis.md."""
from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag

from qrinterop.simulators.engine.signing import aes_gcm_decrypt_b64, aes_gcm_encrypt_b64, new_rsa_key_pem, rsa_verify_b64
from qrinterop.simulators.wallets import alipayplus, linepay, modelled, paypay, wechatpay

SAMPLE_BODY = b'{"sampleRequestBodyKey1":"sampleRequestBodyValue1","sampleRequestBodyKey2":"sampleRequestBodyValue2"}'


def test_paypay_body_hash_matches_the_published_md5_vector() -> None:
    assert paypay.opa_body_hash("application/json;charset=UTF-8;", SAMPLE_BODY) == "1j0FnY4flNp5CtIKa7x9MQ=="


def test_paypay_post_header_matches_the_worked_example() -> None:
    header = paypay.opa_auth_header("APIKeyGenerated", "APIKeySecretGenerated", "/v2/codes", "POST", "acd028",
                                    1579843452, "application/json;charset=UTF-8;", SAMPLE_BODY)
    assert header == ("hmac OPA-Auth:APIKeyGenerated:NW1jKIMnzR7tEhMWtcJcaef+nFVBt7jjAGcVuxHhchc=:acd028:"
                      "1579843452:1j0FnY4flNp5CtIKa7x9MQ==")


def test_paypay_get_without_body_signs_empty() -> None:
    header = paypay.opa_auth_header("k", "sample_secret", "/v2/codes/payments/TEST_merchantPaymentID", "GET",
                                    "a360e2", 1743139337)
    assert header.split(":")[2] == "4GBwHd1rzZ5CrMRieDW/jDQcvOCeVhg4bBx4iZ6Hzw0="
    assert header.endswith(":empty")


@pytest.mark.parametrize("path, payload, expected", [
    # LP-ENY's test signs the full URL (an axios artefact); the examples reproduce it as published.
    ("https://sandbox-api-pay.line.me/v3/payments", "transactionId=2021113000697317600",
     "CcToW3HaslH44yvJNliuomtkwufd8aC048p3QXZPlj8="),
    ("https://sandbox-api-pay.line.me/v3/payments", '{"transactionId":"2021113000697317600"}',
     "En0nRkzzQpXrXo6OHNV+827g+rWIwUq5VTk/n9Jm5Ek="),
    ("/v3/payments", '{"transactionId":"2021113000697317600"}', "wrviKghOOBW2VxmROuoS/jzfudKrp5g565DP8XgBNN0="),
])
def test_linepay_hmac_matches_the_worked_examples(path: str, payload: str, expected: str) -> None:
    assert linepay.signature("channelSecretKey", path, payload, "00000000-0000-0000-0000-000000000000") == expected


def test_wechat_aes_gcm_vector_from_wechatpay_go() -> None:
    plain = aes_gcm_decrypt_b64(b"testAPIv3Key0000", b"wCq51qZv4Yfg", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC",
                                b"Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8")
    assert plain == b"Hello World"
    assert aes_gcm_encrypt_b64(b"testAPIv3Key0000", b"wCq51qZv4Yfg", b"Hello World",
                               b"Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8") == "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC"
    with pytest.raises(InvalidTag):
        aes_gcm_decrypt_b64(b"testAPIv3Key0000", b"wCq51qZv4Yfg", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROD",
                            b"Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8")


@pytest.fixture(scope="module")
def rsa_pair() -> tuple[str, str]:
    return new_rsa_key_pem()


def test_wechat_request_message_layout_and_rsa_round_trip(rsa_pair: tuple[str, str]) -> None:
    private, public = rsa_pair
    body = b'{"out_trade_no":"1217752501201407033233368018"}'
    msg = wechatpay.request_message("POST", "/v3/pay/transactions/native", "1554208460",
                                    "593BEC0C930BF1AFEB40B4A08C8FB242", body)
    assert msg == b"POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n" + body + b"\n"
    header = wechatpay.authorization("1900000001", "SERIAL", private, "POST", "/v3/pay/transactions/native", body,
                                     timestamp=1554208460, nonce="593BEC0C930BF1AFEB40B4A08C8FB242")
    assert header.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242"')
    sig = header.split('signature="')[1].rstrip('"')
    assert rsa_verify_b64(public, msg, sig)
    assert not rsa_verify_b64(public, msg.replace(b"1554208460", b"1554208461"), sig)


def test_antom_signature_round_trip_uses_urlencoded_base64(rsa_pair: tuple[str, str]) -> None:
    private, public = rsa_pair
    body = b'{"paymentRequestId":"p-1"}'
    header = alipayplus.signature_header(private, "POST", "/ams/api/v1/payments/pay", "SANDBOX_5X00000000000000",
                                         "1685599933871", body)
    assert header.startswith("algorithm=RSA256,keyVersion=1,signature=")
    raw = header.split("signature=", 1)[1]
    assert "+" not in raw and "/" not in raw and "=" not in raw          # url-encoded
    content = b"POST /ams/api/v1/payments/pay\nSANDBOX_5X00000000000000.1685599933871." + body
    assert alipayplus.content_to_sign("POST", "/ams/api/v1/payments/pay", "SANDBOX_5X00000000000000",
                                      "1685599933871", body) == content
    assert rsa_verify_b64(public, content, alipayplus.signature_value(header))
    base64.b64decode(alipayplus.signature_value(header), validate=True)


def test_modelled_signature_layout() -> None:
    header = modelled.auth_header("k", "s", "POST", "/v1/payments/qr", b"{}", ts=1700000000, nonce="n-1")
    fields = dict(p.split("=", 1) for p in header.split(" ", 1)[1].split(","))
    assert fields["key"] == "k" and fields["ts"] == "1700000000" and fields["nonce"] == "n-1"
    expected = modelled.hmac_sha256_b64(b"s", b"POST\n/v1/payments/qr\n1700000000\nn-1\n"
                                        b"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    assert fields["sig"] == expected
    sig = modelled.webhook_signature("s", "1700000000", b"{}")
    assert modelled.verify_webhook("s", sig, b"{}") and not modelled.verify_webhook("s", sig, b"{ }")
