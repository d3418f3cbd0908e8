"""Which of the sender's servers an e-mail is about: serial numbers, asset tags, host names.

People write “序列号：2M2XXXX”, “S/N 2m2xxxx”, “db01.a.example 报警” or quote the first mail of a
thread. The words of the mail are looked up among the sender's organisation's servers — one set
lookup, never a guess from the shape of a word — so an ordinary word only matches when a server
is really called that, and another customer's server is never read, let alone named.
"""

from sasms.accounts.models import Organisation
from sasms.assets.models import Server
from sasms.assets.selectors import server_named_in
from sasms.intake.email.parse import InboundEmail


def server_of_message(message: InboundEmail, *, organisation: Organisation) -> Server | None:
    """The one server of ``organisation`` the message names; the subject and the new text first,
    the quoted conversation only when they name none."""
    new_text = message.new_text or message.text
    passages = [[message.subject, new_text]]
    if message.text != new_text:
        passages.append([message.text])
    return server_named_in(organisation=organisation, passages=passages)
