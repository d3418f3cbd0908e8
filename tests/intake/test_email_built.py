"""Messages built with the stdlib for what the real-world fixtures lack (see their README's gaps)."""

from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime

from sasms.intake.email import parse_email
from sasms.intake.email.classify import LOOP_HEADER
from sasms.intake.email.text import html_to_text, strip_quoted, unflow

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def gbk_message() -> bytes:
    body = "您好，\n服务器 SN: 2102311XYZ 硬盘故障灯亮（橙色），请安排更换。\n谢谢！"
    part = MIMEText(body, "plain", "gbk")
    part["Subject"] = Header("【报修】服务器硬盘故障 SR2026112400042", "gbk").encode()
    part["From"] = f"{Header('王工程师', 'gbk').encode()} <wang@example.cn>"
    part["To"] = "support@example.test"
    part["Message-ID"] = "<gbk-1@example.cn>"
    part["Date"] = format_datetime(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    return part.as_bytes()


def test_clean_gbk_message():
    message = parse_email(gbk_message())
    assert message.subject == "【报修】服务器硬盘故障 SR2026112400042"
    assert message.sr_number == "SR2026112400042"
    assert message.sender is not None
    assert message.sender.display_name == "王工程师"
    assert "硬盘故障灯亮（橙色）" in message.text
    assert message.date == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert message.problems == ()


def test_raw_gbk_body_mislabelled_as_gb2312_uses_gb18030():
    # "镕" and "€" are outside GB2312 but inside GBK/GB18030: a strict GB2312 decode would fail.
    raw = (
        b"From: a@example.cn\r\nSubject: test\r\nMessage-ID: <x@y>\r\n"
        b'Content-Type: text/plain; charset="gb2312"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        + "朱镕基 €100 价格".encode("gb18030")
    )
    message = parse_email(raw)
    assert message.text == "朱镕基 €100 价格"


def test_utf8_chinese_encoded_word_subject_split_mid_character():
    msg = EmailMessage()
    msg["From"] = "客户 <kehu@example.com>"
    msg["To"] = "support@example.test"
    msg["Subject"] = "回复：关于服务器电源故障的问题 SR2026112400042"
    msg["Message-ID"] = "<u8@example.com>"
    msg.set_content("电源模块 PSU1 告警")
    raw = msg.as_bytes()
    assert b"=?utf-8?" in raw
    message = parse_email(raw)
    assert message.subject == "回复：关于服务器电源故障的问题 SR2026112400042"
    assert message.sender is not None
    assert message.sender.display_name == "客户"
    # Hand-written split: the first word ends in the middle of the 3-byte "服".
    data = "服务器".encode()
    import base64

    first, second = base64.b64encode(data[:2]).decode(), base64.b64encode(data[2:]).decode()
    raw2 = f"From: a@b.c\r\nSubject: =?UTF-8?B?{first}?=\r\n =?UTF-8?B?{second}?=\r\n\r\nx".encode()
    assert parse_email(raw2).subject == "服务器"


def test_chinese_outlook_reply_quote_block_is_stripped():
    body = (
        "已更换硬盘，请确认。\r\n\r\n"
        "-----邮件原件-----\r\n"
        "发件人: 支持中心 [mailto:support@example.test]\r\n"
        "发送时间: 2026年11月24日 9:30\r\n"
        "收件人: 王工程师\r\n"
        "主题: [SR2026112400042] 服务器硬盘故障\r\n\r\n"
        "您好，工单已受理。\r\n"
    )
    msg = MIMEText(body, "plain", "gbk")
    msg["From"] = "wang@example.cn"
    msg["Subject"] = Header("答复: [SR2026112400042] 服务器硬盘故障", "gbk").encode()
    msg["In-Reply-To"] = "<sr-42-1@sasms.example>"
    msg["References"] = "<sr-42-0@sasms.example>\r\n <sr-42-1@sasms.example>"
    message = parse_email(msg.as_bytes())
    assert message.sr_number == "SR2026112400042"
    assert message.new_text == "已更换硬盘，请确认。"
    assert message.references == ("sr-42-0@sasms.example", "sr-42-1@sasms.example")


def test_chinese_quote_variants():
    assert strip_quoted("好的\n\n-----原始邮件-----\n发件人: a\n时间: b\n") == "好的"
    assert (
        strip_quoted("好\n------------------ Original ------------------\nFrom: a\nDate: b\nTo: c\n") == "好"
    )
    assert strip_quoted("行\n\n———— 原始邮件 ————\n发件人：张三\n") == "行"
    assert strip_quoted("收到\n发件人：张三\n发送时间：2026-11-24\n收件人：李四\n主题：x\n\n原文") == "收到"
    assert strip_quoted("谢谢\n\n在 2026年11月24日 09:30，张三 写道：\n> 原文") == "谢谢"
    assert (
        strip_quoted("Thanks\n\nOn Mon, 24 Nov 2026 at 09:30, Zhang San <z@example.com>\nwrote:\n> x")
        == "Thanks"
    )
    # Only quoted text: keep it rather than return nothing.
    assert strip_quoted("> just a quote") == "> just a quote"
    # A sentence that merely contains "wrote:" stays.
    assert strip_quoted("He wrote: the disk failed\nagain") == "He wrote: the disk failed\nagain"


def test_html_only_body_is_converted_safely():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>磁盘&nbsp;故障</p><div>第二行<br>第三行</div><table><tr><td>a</td><td>b</td></tr></table>"
        "</body></html>"
    )
    msg = MIMEText(html, "html", "utf-8")
    msg["From"] = "x@example.com"
    message = parse_email(msg.as_bytes())
    assert message.html == html
    assert message.text == "磁盘 故障\n\n第二行\n第三行\n\na b"
    assert "alert" not in message.text
    assert html_to_text("<p>a<p>b") == "a\nb"


def test_inline_image_and_rfc2231_chinese_attachment():
    msg = EmailMessage()
    msg["From"] = "x@example.com"
    msg["Subject"] = "日志"
    msg.set_content("见附件")
    msg.add_alternative('<p>见附件<img src="cid:img1@x"></p>', subtype="html")
    html_part = msg.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(PNG, maintype="image", subtype="png", cid="<img1@x>")
    msg.add_attachment(b"PK\x03\x04" + b"\x00" * 40, maintype="application", subtype="octet-stream",
                       filename="服务器日志.zip")  # fmt: skip
    message = parse_email(msg.as_bytes())
    assert message.text == "见附件"
    inline, archive = message.attachments
    assert inline.is_inline
    assert inline.content_id == "img1@x"
    assert inline.content_type == "image/png"
    assert archive.filename == "服务器日志.zip"
    assert not archive.is_inline
    assert archive.content_type == "application/zip"
    assert archive.declared_content_type == "application/octet-stream"


def test_auto_replies_in_both_languages():
    def build(subject: str, **headers: str) -> bytes:
        msg = EmailMessage()
        msg["From"] = "someone@example.com"
        msg["Subject"] = subject
        for name, value in headers.items():
            msg[name.replace("_", "-")] = value
        msg.set_content("x")
        return msg.as_bytes()

    assert parse_email(build("Re: disk", Auto_Submitted="auto-replied")).is_auto_reply
    assert not parse_email(build("Re: disk", Auto_Submitted="no")).is_auto_reply
    assert parse_email(build("hello", X_Autoreply="yes")).is_auto_reply
    assert parse_email(build("hello", Precedence="bulk")).is_auto_reply
    assert parse_email(build("自动回复: 服务器故障")).is_auto_reply
    assert parse_email(build("Automatic reply: server down")).is_auto_reply
    assert parse_email(build("Out of Office: back Monday")).is_auto_reply
    assert not parse_email(build("服务器故障，自动回复功能失效")).is_auto_reply
    assert parse_email(build("系统退信")).is_bounce
    assert parse_email(build("x", X_Failed_Recipients="a@b.c")).is_bounce


def test_loop_detection():
    msg = EmailMessage()
    msg["From"] = "support@example.test"
    msg["Subject"] = "[SR2026112400042] update"
    msg[LOOP_HEADER] = "sr-42-7"
    msg.set_content("x")
    assert parse_email(msg.as_bytes()).is_loop
    hops = b"".join(
        b"Received: from h%d by h%d; Mon, 24 Nov 2026 09:00:00 +0000\r\n" % (i, i) for i in range(30)
    )
    looped = parse_email(hops + b"From: a@b.c\r\nSubject: s\r\n\r\nbody")
    assert looped.is_loop
    assert not parse_email(hops[:200] + b"From: a@b.c\r\nSubject: s\r\n\r\nbody").is_loop


def test_broken_mime_never_raises():
    samples = [
        b"",
        b"\x00\xff\xfe garbage",
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
        b"Content-Type: text/plain\r\n\r\nunterminated",
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xe4\xb8\xad\xe6\x96\x87",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@",
        b"Subject: =?utf-8?B?####?=\r\nDate: yesterday\r\nFrom: <<<>>>\r\n\r\nx",
        b"Content-Type: multipart/alternative\r\n\r\nno boundary at all",
    ]
    for raw in samples:
        message = parse_email(raw)
        assert isinstance(message.problems, tuple)
    unknown = parse_email(samples[3])
    assert unknown.text == "中文"
    assert "unknown_charset" in {p.code for p in unknown.problems}
    assert "bad_date" in {p.code for p in parse_email(samples[5]).problems}


def test_charset_normalizer_fallback_for_unlabelled_legacy_text():
    text = "Привет, сервер не загружается после замены диска. " * 4
    msg = MIMEMultipart()
    part = MIMEText("", "plain")
    part.set_payload(text.encode("koi8-r"))
    part.replace_header("Content-Type", "text/plain; charset=utf-8")
    msg.attach(part)
    message = parse_email(msg.as_bytes())
    assert "сервер" in message.text


def test_format_flowed_is_unwrapped():
    raw = (
        b"From: a@example.com\r\nSubject: flowed\r\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
        b"The disk in bay 3 has been bl \r\ninking amber since this morning.\r\n\r\n-- \r\nZhang\r\n"
    )
    assert (
        parse_email(raw).text == "The disk in bay 3 has been blinking amber since this morning.\n\n-- \nZhang"
    )
    assert unflow("a \n b\nc") == "a b\nc"


def test_long_raw_gbk_header_and_unlabelled_body():
    subject = "【紧急】数据中心A区服务器宕机，请立即派工程师到现场处理，客户业务已中断超过三十分钟"
    short = "服务器硬盘故障灯亮橙色请安排更换备件谢谢"
    raw = (
        b"From: "
        + "运维部".encode("gbk")
        + b" <ops@example.cn>\r\nSubject: "
        + subject.encode("gbk")
        + b"\r\n"
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + short.encode("gbk")
    )
    message = parse_email(raw)
    assert message.subject == subject
    assert message.sender is not None
    assert message.sender.display_name == "运维部"
    assert message.text == short
