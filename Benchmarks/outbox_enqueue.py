"""Fills a Tend SQLite database's outbox with N due e-mails for Benchmarks/outbox.sh, in one transaction,
stored exactly as Outbox.enqueue stores them (ids as upper-case UUID text, times as Unix seconds).

    python3 Benchmarks/outbox_enqueue.py tend-data/tend.sqlite 100000
"""
import sqlite3
import sys
import time
import uuid

path, count = sys.argv[1], int(sys.argv[2])
now = time.time()
db = sqlite3.connect(path)
body = ("Hello,\n\nThis is your reminder to take ten minutes for the soothing-rhythm breathing practice today.\n"
        "Find somewhere comfortable, let your breath settle, and be kind to yourself if your mind wanders.\n\n"
        "Tend\n")
rows = ((str(uuid.uuid4()).upper(), "email", "participant%d@example.org" % i, "Your practice reminder (%d)" % i, body,
         "bench:%d" % i, now - 60, "pending", 0, now - 60, now) for i in range(count))
with db:
    db.executemany(
        "INSERT INTO outbox_items (id, channel, recipient, subject, body, dedupe_key, due_at, status, attempts, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
print("enqueued %d messages in %.1f s" % (count, time.time() - now))
