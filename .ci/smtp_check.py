"""Checks the messages .ci/smtp_sink.py wrote against what SMTPLiveTests sent. Exits 1 on a mismatch."""
import email
import email.policy
import glob
import json
import os
import re
import sys

folder = sys.argv[1]
expected = [
    ("Tend live 1: practice reminder", "Time for your breathing practice.\nTake it gently.\n"),
    ("Tend live 2: dot line", "Before the dot\n.\nAfter the dot\n"),
    ("Tend live 3: Übung für heute 🌿", "Schön, dass du da bist.\nÀ bientôt.\n"),
    ("Tend live 4: group meets today", "Your group meets at 18:30.\n\nThe link is on your home page.\n"),
    ("Tend live 5: check-in reply", "A long line of text. " * 60 + "\n"),
]
problems = []
files = sorted(glob.glob(os.path.join(folder, "*.eml")))
if len(files) != len(expected):
    problems.append("expected %d messages, found %d" % (len(expected), len(files)))
received = {}
ids = set()
for path in files:
    raw = open(path, "rb").read()
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("%s: a bare LF in the message" % path)
    message = email.message_from_bytes(raw, policy=email.policy.SMTP)
    envelope = json.load(open(path[:-4] + ".json"))
    subject = str(message["Subject"])
    received[subject] = (message, envelope)
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"):
        if message[header] is None:
            problems.append("%s: no %s header" % (subject, header))
    if message["From"] is not None and "reminders@tend.example.org" not in str(message["From"]):
        problems.append("%s: From is %s" % (subject, message["From"]))
    if message["Message-ID"] is not None:
        mid = str(message["Message-ID"]).strip()
        if not re.fullmatch(r"<[0-9a-f-]{36}@tend\.example\.org>", mid):
            problems.append("%s: Message-ID %s" % (subject, mid))
        ids.add(mid)
    if message.get_content_type() != "text/plain" or message.get_content_charset() != "utf-8":
        problems.append("%s: content type %s" % (subject, message["Content-Type"]))
    if envelope["mail_from"] != "reminders@tend.example.org" or len(envelope["rcpt_tos"]) != 1:
        problems.append("%s: envelope %s" % (subject, envelope))
    if message["Date"] is not None and message["Date"].datetime is None:
        problems.append("%s: Date does not parse" % subject)
if len(ids) != len(files):
    problems.append("Message-IDs are not distinct")
for index, (subject, body) in enumerate(expected, start=1):
    if subject not in received:
        problems.append("missing: %s (got %s)" % (subject, sorted(received)))
        continue
    message, envelope = received[subject]
    content = message.get_content().replace("\r\n", "\n")
    if content != body:
        problems.append("%s: body %r, expected %r" % (subject, content[:120], body[:120]))
    if str(message["To"]) != "participant%d@example.org" % index:
        problems.append("%s: To is %s" % (subject, message["To"]))
    if envelope["rcpt_tos"] != ["participant%d@example.org" % index]:
        problems.append("%s: RCPT TO %s" % (subject, envelope["rcpt_tos"]))
for problem in problems:
    print("smtp check:", problem)
if problems:
    sys.exit(1)
print("smtp check: %d messages arrived with the expected subjects, bodies and headers (encodings: %s)" % (
    len(files), ", ".join(sorted({str(m["Content-Transfer-Encoding"]) for m, _ in received.values()}))))
