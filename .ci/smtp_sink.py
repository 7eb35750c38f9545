"""An aiosmtpd handler that writes each received message to a folder, for .ci/smtp-tests.sh.

    PYTHONPATH=.ci python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.FolderHandler /path/to/folder

Each message becomes NNNN.eml (the raw DATA) and NNNN.json (envelope sender and recipients).
"""
import json
import os


class FolderHandler:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("FolderHandler takes one argument: the folder to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "mail_options": envelope.mail_options}, f)
        return "250 Message accepted for delivery"
