"""Composed messages (tests/intake/mail_samples/) for the classes the real-world corpus lacks: raw 8-bit
CJK headers, Chinese clients' replies, each bounce style, TNEF, forwards, empty parts, S/MIME."""

import struct
from pathlib import Path

import pytest

from sasms.intake.email import InboundEmail, parse_email
from sasms.intake.email.decode import decode_raw_header

SAMPLES = Path(__file__).parent / "mail_samples"
NOTIFY_ID = "sasms.41.977.5e0c1d2b3a49@sasms.example"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def load(name: str) -> InboundEmail:
    return parse_email(sample(name))


def codes(message: InboundEmail) -> set[str]:
    return {p.code for p in message.problems}


def all_text(message: InboundEmail) -> str:
    names = " ".join(a.filename for a in message.attachments)
    sender = message.sender.display_name if message.sender else ""
    return f"{message.subject} {sender} {message.text} {names}"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.eml")))
def test_no_sample_decodes_to_replacement_characters(name: str):
    message = load(name)
    assert "\ufffd" not in all_text(message)
    assert not {"internal_error", "part_unreadable", "charset_undecodable"} & codes(message)


# --- Raw 8-bit headers ------------------------------------------------------------------------------


def test_raw_gb18030_subject_and_name_from_webmail():
    message = load("raw8bit-gb18030-subject-webmail.eml")
    # € and 䶮 exist only in GB18030, not in GB2312 or GBK: the superset was used.
    assert message.subject == "机房B 服务器RAID卡报警（紧急）€ 请尽快安排工程师"
    assert message.sender is not None
    assert message.sender.display_name == "李䶮"
    assert "raw_8bit_header" in codes(message)


def test_raw_gbk_name_subject_and_attachment_filename():
    message = load("raw8bit-gbk-from-and-filename.eml")
    assert message.subject == "故障日志"
    assert message.sender is not None
    assert message.sender.display_name == "王伟（运维部）"
    [log] = message.attachments
    assert log.filename == "服务器日志.txt"
    assert log.data.startswith(b"2026-12-01 08:59:12 iLO")


def test_raw_big5_subject_follows_the_declared_body_charset():
    message = load("raw8bit-big5-subject.eml")
    assert message.subject == "回覆：伺服器硬碟故障請盡快處理"
    assert message.sender is not None
    assert message.sender.display_name == "陳志明"
    assert message.text == "第二台伺服器的硬碟亮紅燈，麻煩派工程師。"


def test_raw_big5_subject_without_any_declared_charset():
    # Read as GB18030 these bytes are valid but rare characters (狝竟祑盒...): evidence picks Big5.
    message = load("raw8bit-big5-subject-ascii-body.eml")
    assert message.subject == "伺服器硬碟故障請盡快處理"
    assert message.sender is not None
    assert message.sender.display_name == "陳志明"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("服务器硬盘故障，请尽快处理", "gb2312"),
        ("回复：关于DL380服务器内存报错的问题", "gbk"),
        ("Re: RAID 卡报警 — 紧急", "gb18030"),
        ("王伟", "gbk"),
        ("伺服器硬碟故障請盡快處理", "big5"),
        ("陳大文", "big5"),
        ("サーバーのディスク障害", "shift_jis"),
        ("田中太郎", "cp932"),
        ("Überprüfung 服务器", "utf-8"),
    ],
)
def test_raw_header_bytes_are_decoded_by_evidence(text: str, codec: str):
    assert decode_raw_header(text.encode(codec)) == text


def test_declared_charset_decides_between_equally_plausible_readings():
    data = "報價單".encode("big5")  # as GB18030 these three characters are everyday too
    assert decode_raw_header(data, hints=["big5"]) == "報價單"
    assert decode_raw_header("报价单".encode("gbk"), hints=["gb2312"]) == "报价单"


def test_declared_charset_the_header_bytes_contradict_is_overruled():
    # A Big5 subject over a body labelled GB2312: the GB reading is rare characters, Big5 everyday ones.
    assert decode_raw_header("回覆：伺服器硬碟故障請盡快處理".encode("big5"), hints=["gb2312"]) == (
        "回覆：伺服器硬碟故障請盡快處理"
    )
    assert decode_raw_header("서버 장애".encode("euc-kr"), hints=["euc-kr"]) == "서버 장애"


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1251", "windows-1256"])
def test_latin_or_cyrillic_body_label_does_not_turn_a_chinese_subject_into_mojibake(declared: str):
    subject = "服务器硬盘故障请尽快安排工程师"
    assert decode_raw_header(subject.encode("gb18030"), hints=[declared]) == subject


def test_latin_body_label_still_decodes_a_latin_subject():
    assert decode_raw_header("Grüße aus Köln".encode("latin-1"), hints=["iso-8859-1"]) == "Grüße aus Köln"
    assert decode_raw_header("Привет сервер".encode("cp1251"), hints=["windows-1251"]) == "Привет сервер"


def test_long_big5_subject_without_label_is_not_read_as_gb():
    subject = "伺服器硬碟故障請盡快安排工程師到場更換謝謝您的支持與配合"
    assert decode_raw_header(subject.encode("big5")) == subject


def test_truncated_header_bytes_drop_the_broken_byte_not_into_replacement_characters():
    data = "服务器故障".encode("gbk")[:-1]
    decoded = decode_raw_header(data)
    assert decoded.startswith("服务器故")
    assert "\ufffd" not in decoded


# --- Replies from Chinese clients: only the new text ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "new_text"),
    [
        ("foxmail-reply-gb2312.eml", "硬盘已经收到，今天下午可以安排上门。\n\n\n\nwang.wei@a.example"),
        ("qqmail-reply-gb18030.eml", "已经换好了，谢谢！"),
        ("netease163-reply-gbk.eml", "换好了，服务器已经恢复正常，可以关单。"),
    ],
)
def test_chinese_client_replies_are_cut_at_their_quote_separator(name: str, new_text: str):
    message = load(name)
    assert message.in_reply_to == NOTIFY_ID
    assert message.subject.endswith("[SR2612010000041] 服务器硬盘故障 disk 3 failed")
    assert message.new_text == new_text
    assert "备件已发出" in message.text  # the quoted history is still in the full text
    assert message.should_open_ticket


def test_qq_plain_part_entities_are_read_as_characters():
    message = load("qqmail-reply-gb18030.eml")
    assert "&nbsp;" not in message.text
    assert "------------------ 原始邮件 ------------------" in message.text
    assert '发件人: "SASMS 服务台" <support@sasms.example>;' in " ".join(message.text.split())


@pytest.mark.parametrize(
    "name", ["foxmail-reply-gb2312.eml", "qqmail-reply-gb18030.eml", "netease163-reply-gbk.eml"]
)
def test_html_only_variant_of_each_reply_is_cut_too(name: str):
    # Some of these clients send HTML only; the quote block survives the HTML-to-text step.
    raw = sample(name)
    message = parse_email(raw)
    assert message.html is not None
    html_only = parse_email(_html_only(raw))
    assert html_only.text
    assert "备件已发出" not in html_only.new_text
    assert html_only.new_text.splitlines()[0] == message.new_text.splitlines()[0]


def _html_only(raw: bytes) -> bytes:
    """The same message without its text/plain alternative."""
    from email import message_from_bytes
    from email.message import Message
    from email.policy import compat32

    msg = message_from_bytes(raw, policy=compat32)
    payload = msg.get_payload()
    assert isinstance(payload, list)
    msg.set_payload([p for p in payload if isinstance(p, Message) and p.get_content_type() != "text/plain"])
    return msg.as_bytes()


# --- Bounces ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "recipient", "status", "original"),
    [
        (
            "bounce-office365-ndr.eml",
            "zhang.san@b.example",
            "5.1.10",
            "sasms.41.978.9b1c7d02e4f5@sasms.example",
        ),
        ("bounce-qmail.eml", "li.si@b.example", "5.1.1", "sasms.41.979.1f2e3d4c5b6a@sasms.example"),
        ("bounce-exim.eml", "chen.wu@c.example", "5.1.1", "sasms.41.980.2a3b4c5d6e7f@sasms.example"),
        ("bounce-exim-dsn.eml", "chen.wu@c.example", "5.0.0", "sasms.41.982.4c5d6e7f8091@sasms.example"),
        (
            "bounce-postfix-rfc822.eml",
            "zhou.liu@d.example",
            "5.2.2",
            "sasms.41.981.3b4c5d6e7f80@sasms.example",
        ),
    ],
)
def test_every_bounce_style_names_the_failed_address_and_the_returned_message(
    name: str, recipient: str, status: str, original: str
):
    message = load(name)
    assert message.is_bounce
    assert not message.should_open_ticket
    bounce = message.bounce
    assert bounce is not None
    assert bounce.recipients == (recipient,)
    assert bounce.permanent
    assert bounce.status == status
    assert bounce.diagnostic
    assert bounce.original_message_id == original
    assert bounce.referenced_ids[0] == original
    assert "sr2612010000041@sasms.example" in bounce.original_references
    assert bounce.original_subject == "[SR2612010000041] 服务器硬盘故障 disk 3 failed"
    assert bounce.original_header("X-SASMS-Ticket") == "SR2612010000041"


def test_office365_ndr_threads_to_our_notification_itself():
    message = load("bounce-office365-ndr.eml")
    assert message.in_reply_to == "sasms.41.978.9b1c7d02e4f5@sasms.example"
    assert message.subject.startswith("Undeliverable: [SR2612010000041]")


def test_delayed_dsn_is_not_a_permanent_failure():
    raw = (
        sample("bounce-postfix-rfc822.eml")
        .replace(b"Action: failed", b"Action: delayed")
        .replace(b"Status: 5.2.2", b"Status: 4.4.1")
    )
    bounce = parse_email(raw).bounce
    assert bounce is not None
    assert bounce.recipients == ("zhou.liu@d.example",)
    assert not bounce.permanent


def test_qmail_transient_wording_is_not_permanent():
    raw = (
        sample("bounce-qmail.eml")
        .replace(
            b"This is a permanent error; I've given up. Sorry it didn't work out.",
            b"This is a temporary error; I will keep retrying for a while.",
        )
        .replace(b"(#5.1.1)", b"(#4.4.1)")
    )
    bounce = parse_email(raw).bounce
    assert bounce is not None
    assert not bounce.permanent


# --- TNEF, forwards, empty parts, signed mail --------------------------------------------------------


def test_tnef_winmail_dat_is_unpacked_into_its_real_files():
    message = load("outlook-tnef-two-files.eml")
    assert message.subject == "巡检报告"
    assert [(a.filename, a.content_type) for a in message.attachments] == [
        ("report.pdf", "application/pdf"),
        ("内存清单.csv", "text/csv"),
    ]
    assert message.attachments[1].data.decode("gbk").startswith("槽位,序列号,状态")
    # The message's own text part is the body; the copy inside winmail.dat is not repeated.
    assert message.text == "请见附件：巡检报告和内存更换清单。"


def _tnef_attr(level: int, attr_id: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _winmail(body: bytes, files: list[tuple[bytes, bytes]]) -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _tnef_attr(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += _tnef_attr(1, 0x00069007, struct.pack("<II", 936, 0))  # attOemCodepage
    out += _tnef_attr(1, 0x0002800C, body)  # attBody
    for title, data in files:
        out += _tnef_attr(2, 0x00069002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))  # attAttachRendData
        out += _tnef_attr(2, 0x00018010, title + b"\x00")  # attAttachTitle
        out += _tnef_attr(2, 0x0006800F, data)  # attAttachData
    return out


def test_single_part_tnef_message_takes_its_body_from_winmail_dat():
    import base64

    winmail = _winmail("电源模块坏了，照片见附件。".encode("gbk"), [(b"psu.txt", b"PSU 2 failed\n")])
    raw = (
        b"From: Zhang San <zhang.san@b.example>\r\nTo: support@sasms.example\r\nSubject: PSU\r\n"
        b"Message-ID: <tnef-only@b.example>\r\nDate: Tue, 1 Dec 2026 03:12:44 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n'
        b'Content-Disposition: attachment; filename="winmail.dat"\r\n\r\n' + base64.encodebytes(winmail)
    )
    message = parse_email(raw)
    assert message.text == "电源模块坏了，照片见附件。"
    assert [(a.filename, a.data) for a in message.attachments] == [("psu.txt", b"PSU 2 failed\n")]


def test_tnef_rich_text_body_is_read_when_it_is_the_only_body():
    import base64

    import compressed_rtf  # type: ignore[import-untyped]

    # RTF writes each non-ASCII byte of the code page as \\'hh.
    escaped = "".join(f"\\'{byte:02x}" for byte in "电源模块坏了".encode("gbk")).encode()
    rtf = (
        rb"{\rtf1\ansi\ansicpg936\fromtext \deff0{\fonttbl{\f0\fswiss Arial;}}"
        rb"{\*\generator Microsoft Exchange Server;}\pard\plain\f0 "
        + escaped
        + rb"\par Power supply 2 failed.\par}"
    )
    compressed = compressed_rtf.compress(rtf, compressed=True)
    padding = b"\x00" * (-len(compressed) % 4)
    props = struct.pack("<IHHII", 1, 0x0102, 0x1009, 1, len(compressed)) + compressed + padding
    winmail = _winmail(b"", [(b"psu.txt", b"PSU 2 failed\n")]).replace(
        _tnef_attr(1, 0x0002800C, b""), _tnef_attr(1, 0x00069003, props)
    )
    raw = (
        b"From: Zhang San <zhang.san@b.example>\r\nTo: support@sasms.example\r\nSubject: PSU\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(winmail)
    )
    message = parse_email(raw)
    assert message.text == "电源模块坏了\nPower supply 2 failed."
    assert [a.filename for a in message.attachments] == ["psu.txt"]


def test_damaged_tnef_stays_an_attachment():
    import base64

    broken = _winmail(b"x", [])[:8] + b"\xff" * 3
    raw = (
        b"From: a@b.example\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: application/ms-tnef\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(broken)
    )
    message = parse_email(raw)
    [kept] = message.attachments
    assert kept.data == broken
    assert "tnef_unreadable" in codes(message)


def test_forwarded_message_is_read_and_empty_part_is_not_an_attachment():
    message = load("forward-attached-with-empty-part.eml")
    assert message.subject == "Fwd: iLO 告警"
    assert [a.filename for a in message.attachments] == ["iml.log", "ILO.eml"]
    assert not any(a.size == 0 or a.filename.startswith("part-") for a in message.attachments)
    assert message.text.startswith("请处理下面转发的告警。\n\n---------- Forwarded message ----------")
    assert "From: 李四 <li.si@a.example>" in message.text
    assert "Subject: iLO 告警" in message.text
    assert message.text.endswith("DL380 的管理口告警：电源 2 失效。")
    assert "电源 2 失效" in message.new_text  # a forward is the substance, never cut as a quote


def test_empty_parts_of_any_type_are_dropped():
    raw = (
        b"From: a@b.example\r\nSubject: empty parts\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b'--XX\r\nContent-Type: application/pdf; name="empty.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n\r\n"
        b"--XX\r\nContent-Type: image/png\r\n\r\n"
        b"--XX\r\nContent-Type: text/html\r\n\r\n   \r\n"
        b"--XX--\r\n"
    )
    message = parse_email(raw)
    assert message.text == "hello"
    assert message.attachments == ()


def test_smime_signed_body_is_read_without_the_signature_file():
    message = load("smime-signed-outlook.eml")
    assert message.text == "Fan 4 on the server in rack D3 reports 0 RPM since this morning.\n\nZhou Liu"
    assert message.attachments == ()


def _signed_data_der(entity: bytes) -> bytes:
    """A real CMS SignedData (opaque signing) of ``entity`` with a throw-away certificate."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs7
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "zhou.liu@d.example")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    builder = pkcs7.PKCS7SignatureBuilder().set_data(entity).add_signer(cert, key, hashes.SHA256())
    return builder.sign(serialization.Encoding.DER, [])


def test_opaque_signed_smime_body_and_files_are_read():
    import base64

    entity = (
        b'Content-Type: multipart/mixed; boundary="in"\r\n\r\n--in\r\n'
        b"Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "风扇 4 转速为 0。".encode("gbk")
        + b'\r\n--in\r\nContent-Type: text/plain; name="ipmi.log"\r\n'
        b'Content-Disposition: attachment; filename="ipmi.log"\r\n\r\nFan 4 | 0 RPM | cr\r\n--in--\r\n'
    )
    raw = (
        b"From: Zhou Liu <zhou.liu@d.example>\r\nTo: support@sasms.example\r\nSubject: Fan\r\n"
        b"Message-ID: <opaque@d.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n'
        b'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n\r\n'
        + base64.encodebytes(_signed_data_der(entity))
    )
    message = parse_email(raw)
    assert message.text == "风扇 4 转速为 0。"
    assert [(a.filename, a.data) for a in message.attachments] == [("ipmi.log", b"Fan 4 | 0 RPM | cr")]
    assert not {"missing_from", "smime_unreadable"} & codes(message)


def test_ber_indefinite_signed_data_with_chunked_content():
    from sasms.intake.email.smime import signed_content

    signed_oid = bytes.fromhex("06092a864886f70d010702")
    data_oid = bytes.fromhex("06092a864886f70d010701")
    ber = (
        b"\x30\x80" + signed_oid + b"\xa0\x80"
        b"\x30\x80\x02\x01\x01\x31\x00"
        b"\x30\x80" + data_oid + b"\xa0\x80\x24\x80\x04\x05hello\x04\x03 hi\x00\x00\x00\x00\x00\x00"
        b"\x00\x00\x00\x00\x00\x00"
    )
    assert signed_content(ber) == b"hello hi"
    assert signed_content(ber[:20]) is None
    assert signed_content(b"\x30\x84\xff\xff\xff\xff") is None
