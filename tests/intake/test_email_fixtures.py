"""Every real-world message in the corpus's email/ parses, with the values a person would read."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sasms.intake.email import InboundEmail, parse_email
from tests.corpus import CORPUS_DIR

pytestmark = pytest.mark.corpus

FIXTURES = CORPUS_DIR / "email"


def load(name: str) -> InboundEmail:
    return parse_email((FIXTURES / name).read_bytes())


def codes(message: InboundEmail) -> set[str]:
    return {p.code for p in message.problems}


def test_every_fixture_parses_without_exceptions():
    names = sorted(p.name for p in FIXTURES.glob("*.eml"))
    assert len(names) == 15
    for name in names:
        message = load(name)
        assert isinstance(message.subject, str)
        assert "\r" not in message.text
        for attachment in message.attachments:
            assert attachment.size == len(attachment.data)
            assert "/" not in attachment.filename


def test_raw_8bit_gb2312_headers_are_redecoded():
    message = load("cn-gb2312-raw-8bit-headers-exmail.eml")
    assert message.subject == "提示：您的企业成员暂时无法登录邮件客户端"
    assert message.sender is not None
    assert message.sender.display_name == "腾讯企业邮箱"
    assert message.sender.address == "10000@qq.com"
    assert message.html is not None
    assert "尊敬的管理员" in message.text
    assert "<" not in message.text
    assert "raw_8bit_header" in codes(message)
    assert message.should_open_ticket


def test_gb2312_encoded_words_and_mislabelled_utf8_body():
    message = load("cn-gb2312-encoded-subject-outlook-express.eml")
    assert message.subject == "代开各地增值税发票"
    assert message.sender is not None
    assert message.sender.display_name == "张先生"
    assert message.sender.address == "baoguan@hotmail.com"
    assert message.to[0].address == "danglüe@email.com"
    assert message.text.startswith("你好！我公司可代开各类增值税发票")
    assert "charset_mismatch" in codes(message)
    assert message.date == datetime(2018, 5, 13, 4, 32, 22, tzinfo=UTC)


def test_big5_with_empty_transfer_encoding_survives():
    message = load("big5-html-empty-cte.eml")
    assert message.sender is not None
    assert message.sender.address == "3712f2@msa.hinet.net"
    assert message.message_id == "11107978796724623"
    assert message.html is not None
    assert message.text
    assert message.date is None
    assert "missing_date" in codes(message)


def test_mixed_encoded_words_subject_and_mbox_line():
    message = load("reply-utf8-cjk-partially-encoded-subject.eml")
    assert message.subject == 'Re: Test: "漢字" mid "漢字" tail'
    assert message.sender is not None
    assert message.sender.display_name == "Jamis Buck"
    assert message.message_id == "d3b8cf8e49f04480850c28713a1f473e@37signals.com"
    assert "Jamis" in message.text


def test_thunderbird_reply_threading():
    message = load("reply-thunderbird-in-reply-to-references.eml")
    assert message.subject == "Re: Test reply email"
    assert message.message_id == "473FFE27.20003@xxx.org"
    assert message.in_reply_to == "348F04F142D69C21-291E56D292BC@xxxx.net"
    assert message.references == ("473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net")
    assert message.thread_ids == ("348F04F142D69C21-291E56D292BC@xxxx.net", "473FF3B8.9020707@xxx.org")
    assert message.text == "Message body"
    assert message.date == datetime(2007, 11, 18, 19, 56, 7, tzinfo=timezone(timedelta(hours=11)))


def test_apple_mail_reply_quote_is_stripped():
    message = load("reply-apple-mail-in-reply-to-references.eml")
    assert message.subject == "Re: Hello there"
    assert message.in_reply_to == "CABzQGhkMXDxUt_tSVQcg=43aniUhtsVfCZVzu-PG0kwS_uzqMw@mail.gmail.com"
    assert message.references == ("CABzQGhkMXDxUt_tSVQcg=43aniUhtsVfCZVzu-PG0kwS_uzqMw@mail.gmail.com",)
    assert "wrote:" in message.text
    assert message.new_text == "Hello"


def test_outlook_reply_header_block_is_stripped():
    message = load("reply-outlook-quoted-body.eml")
    assert message.subject == "Test"
    assert message.in_reply_to is None
    assert message.html is not None
    assert "Sent: March-09-12" in message.text
    assert message.new_text == "Hello"


def test_zimbra_forward_with_attached_message():
    message = load("forwarded-rfc822-zimbra-thread.eml")
    assert message.subject == "Fwd: Test 5"
    assert message.message_id == "445158045.378131.1488812211066.JavaMail.zimbra@zedcore.com"
    assert message.in_reply_to == "649983063.377570.1488812041831.JavaMail.zimbra@zedcore.com"
    assert message.thread_topic == "Test 5"
    assert message.thread_index == "BsIxD6EDQhVNqaTfcPN/d36x7UYGq6dRLyIX"
    # The forwarded message is read: its text follows the forwarder's own, under a forward header
    # that keeps it in the new text (a forward's content is what the customer sends us).
    assert message.text.startswith("An RFC 822 forward with a HTML body\n\n---------- Forwarded message")
    assert "Subject: Test 5\n" in message.text
    assert "From: Example Name <example@example.com>" in message.text
    assert message.text.endswith("filler filler filler filler filler filler filler filler filler.")
    assert "An original PLAIN TEXT message body" in message.new_text
    [attached] = message.attachments
    assert attached.declared_content_type == "message/rfc822"
    assert attached.filename.endswith(".eml")
    assert b"Subject: Test 5" in attached.data


def test_outlook_encoded_word_attachment_name_and_thread_index():
    message = load("outlook-exchange-thread-index-pdf-attachment.eml")
    assert message.subject == "50032266 CAR 11_MNPA00A01_9PTX_H00 ATT N° 1467829. pdf"
    assert message.thread_index == "AQHPP2sdK5RDOFU9lUeX2JMAMzi1Nw=="
    assert message.thread_topic == message.subject
    [pdf] = message.attachments
    assert pdf.filename == "50032266 CAR 11_MNPA00A01_9PTX_H00 ATT N° 1467829.pdf"
    assert pdf.declared_content_type == "application/pdf"
    # The French "-----Message d'origine-----" block is the quoted history.
    assert "Message d'origine" in message.text
    assert "Message d'origine" not in message.new_text
    assert message.new_text.startswith("M. DUPONT Paul")


def test_calendar_invite_keeps_the_ics_as_attachment():
    message = load("outlook-calendar-invite.eml")
    assert message.subject == "1"
    assert message.thread_index == "Ac9KCuPnLOcaaAi8Tqy/TyHqajfZBgAAPJLA"
    assert message.text == "1"
    [ics] = message.attachments
    assert ics.declared_content_type == "text/calendar"
    assert ics.filename.endswith(".ics")
    assert b"BEGIN:VCALENDAR" in ics.data


def test_tnef_single_part_is_an_attachment():
    message = load("outlook-tnef-winmail-dat.eml")
    assert message.subject == "Read: invitation"
    assert message.message_id == "004801d0b58b$a5da1980$f18e4c80$@email.test"
    [winmail] = message.attachments
    assert winmail.filename == "winmail.dat"
    assert winmail.declared_content_type == "application/ms-tnef"
    assert winmail.size > 1000
    assert message.text == ""


def test_rfc2231_name_with_invalid_byte():
    message = load("attachment-encoded-filename-reply.eml")
    assert message.subject == "Fwd: Signed email causes file attachments"
    assert message.in_reply_to == "F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com"
    [mp3] = message.attachments
    assert mp3.filename.startswith("01 Quien Te Dij")
    assert mp3.filename.endswith("at. Pitbull.mp3")
    assert mp3.declared_content_type == "application/octet-stream"
    assert "bad_attachment_name" in codes(message)
    # A forward keeps its forwarded content as the new text: that is what the customer sent us.
    assert "Test attachments oddly encoded" in message.new_text


def test_pdf_in_multipart_mixed_with_alternative():
    message = load("attachment-pdf-multipart-alternative.eml")
    assert message.subject == "test message via curl - extra content-type (_001_)"
    assert message.text == "Test - body content"
    [pdf] = message.attachments
    assert (pdf.filename, pdf.content_type) == ("test.pdf", "application/pdf")
    assert pdf.data.startswith(b"%PDF")
    assert message.sender is None
    assert {"missing_from", "missing_message_id"} <= codes(message)


def test_dsn_bounce_is_flagged():
    message = load("bounce-mailbox-full-dsn.eml")
    assert message.is_bounce
    assert not message.should_open_ticket
    assert message.sender is not None
    assert message.sender.address == "MAILER-DAEMON@AOL.com"
    assert message.subject == "Undelivered Mail Returned to Sender"


def test_quoted_printable_soft_breaks_inside_urls():
    message = load("quoted-printable-utf8.eml")
    assert message.subject == "This message contains very long links in html"
    assert message.sender is not None
    assert message.sender.display_name == "Bob"
    assert "adblock-plus.html&act=url" in message.text
    assert "=\n" not in message.text


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.eml")))
def test_no_fixture_is_machine_mail_except_the_bounce(name: str):
    message = load(name)
    assert not message.is_loop
    if name.startswith("bounce"):
        assert message.is_bounce
    else:
        assert not message.is_bounce
        assert not message.is_auto_reply
