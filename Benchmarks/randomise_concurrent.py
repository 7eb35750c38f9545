#!/usr/bin/env python3
"""Concurrent randomisation benchmark client (run by Benchmarks/randomise-concurrent.sh).

Against a running `tend serve`: signs in as the admin, creates a study from a template (not yet open),
takes one person through the real pages (screening, eligibility, agreement, invitation, account, consent),
then copies that person's user, screening and consent rows N-1 times straight into the database (fast
seeding), opens the study and fires N "allocate" POSTs at once from N threads. Then it checks, from the
database, that every slot of the concealed sequence was taken once (indexes 0..N-1, each person once) and
that the arms are balanced within every complete block, and prints throughput and latency.

Needs: Python 3.11; for PostgreSQL, psycopg 3 (pip install 'psycopg[binary]').
"""
import argparse
import html
import http.cookiejar
import json
import math
import re
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """A cookie jar and the session's CSRF token; redirects are not followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.csrf = None

    def request(self, path, form=None):
        data = None
        if form is not None:
            fields = dict(form)
            fields["csrf"] = self.csrf
            data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(req, timeout=120) as resp:
                status, body, location = resp.status, resp.read().decode(), resp.headers.get("Location")
        except urllib.error.HTTPError as err:
            status, body, location = err.code, err.read().decode(errors="replace"), err.headers.get("Location")
        token = re.search(r'name="csrf" value="([^"]*)"', body)
        if token:
            self.csrf = html.unescape(token.group(1))
        return status, body, location

    def get(self, path):
        return self.request(path)

    def post(self, path, form, expect=(303,)):
        status, body, location = self.request(path, form)
        if status not in expect:
            sys.exit(f"POST {path}: expected {expect}, got {status}\n{body[:2000]}")
        return status, body, location

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


class Database:
    def __init__(self, kind, location):
        self.kind = kind
        if kind == "sqlite":
            self.conn = sqlite3.connect(location, timeout=60, isolation_level=None)
            self.mark = "?"
        else:
            import psycopg  # noqa: PLC0415 (only needed for PostgreSQL)

            url = location.split("?", 1)[0].replace("postgres://", "postgresql://", 1)
            self.conn = psycopg.connect(url, autocommit=True)
            self.mark = "%s"

    def query(self, sql, params=()):
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", self.mark), params)
        if cur.description is None:
            return [], []
        names = [d[0] for d in cur.description]
        return names, cur.fetchall()

    def one(self, table, where, value):
        names, rows = self.query(f"SELECT * FROM {table} WHERE {where} = ?", (value,))
        if len(rows) != 1:
            sys.exit(f"expected one {table} row where {where} = {value!r}, found {len(rows)}")
        return dict(zip(names, rows[0]))

    def insert_many(self, table, rows):
        names = list(rows[0].keys())
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join([self.mark] * len(names))})"
        cur = self.conn.cursor()
        if self.kind == "sqlite":
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(sql, [tuple(r[n] for n in names) for r in rows])
            cur.execute("COMMIT")
        else:
            with self.conn.transaction():
                cur.executemany(sql, [tuple(r[n] for n in names) for r in rows])


def new_id(like):
    """A new UUID stored the way `like` is (16-byte blob, uuid.UUID, or text in the same case)."""
    fresh = uuid.uuid4()
    if isinstance(like, (bytes, bytearray, memoryview)):
        return fresh.bytes
    if isinstance(like, uuid.UUID):
        return fresh
    text = str(fresh)
    return text.upper() if str(like).isupper() else text


def percentile(values, p):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--location", required=True, help="SQLite file, or postgres:// URL")
    ap.add_argument("--email", required=True, help="the admin's e-mail")
    ap.add_argument("--password", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--template", default="mindful-recovery-trial")
    ap.add_argument("--answers", default='{"q-age": "40", "q-buprenorphine": "yes", "q-weekly-group": "yes"}')
    args = ap.parse_args()
    n = args.count
    db = Database(args.db, args.location)

    admin = Browser(args.base)
    admin.get("/login")
    admin.post("/login", {"email": args.email, "password": args.password})
    admin.get("/studies/new")
    title = f"Concurrent randomisation benchmark {uuid.uuid4().hex[:8]}"
    _, _, location = admin.post("/studies", {"template": args.template, "title": title, "publicTitle": "Benchmark study"})
    study_path = location

    # One person through the real pages, consenting before the study opens (so they are not allocated yet).
    admin.get(study_path + "/screening")
    _, _, person = admin.post(study_path + "/screening", {"approachedOn": "2026-03-01"})
    code = person.rsplit("/", 1)[1]
    admin.get(person)
    admin.post(person + "/eligibility", json.loads(args.answers))
    admin.post(person + "/agreement", {"agreed": "yes"})
    _, page, _ = admin.post(person + "/invitation", {}, expect=(201,))
    link = re.search(r'(/study-invitations/[^"<\s]+)', page).group(1)
    participant = Browser(args.base)
    participant.get(link)
    participant.post(link, {"email": "bench-0001@example.invalid", "password": args.password, "confirm": args.password})
    _, consent_page, _ = participant.get("/my/consent")
    items = sorted(set(re.findall(r'name="(item-[^"]+)"', consent_page)))
    participant.post("/my/consent", {item: "yes" for item in items})

    # Copy that person N-1 times in the database.
    study = db.one("studies", "title", title)
    names, rows = db.query("SELECT * FROM study_screenings WHERE study_id = ?", (study["id"],))
    screening = dict(zip(names, rows[0]))
    user = db.one("users", "id", screening["user_id"])
    consent = db.one("study_consents", "screening_id", screening["id"])
    users, screenings, consents = [], [], []
    for number in range(2, n + 1):
        u = dict(user, id=new_id(user["id"]), email=f"bench-{number:04d}@example.invalid")
        s = dict(screening, id=new_id(screening["id"]), number=number, code=f"S-{number:04d}", user_id=u["id"])
        c = dict(consent, id=new_id(consent["id"]), screening_id=s["id"], user_id=u["id"])
        users.append(u)
        screenings.append(s)
        consents.append(c)
    t0 = time.monotonic()
    db.insert_many("users", users)
    db.insert_many("study_screenings", screenings)
    db.insert_many("study_consents", consents)
    seeded = time.monotonic() - t0

    admin.get(study_path)
    admin.post(study_path + "/open", {})
    admin.get(person)  # a fresh CSRF token for the allocation form
    codes = [code] + [s["code"] for s in screenings]

    # N allocations at once: every thread waits at the barrier, then posts.
    barrier = threading.Barrier(n)
    results = [None] * n
    cookie = admin.cookie("tend_session")

    def allocate(i):
        body = urllib.parse.urlencode({"csrf": admin.csrf, "note": "Benchmark: concurrent allocation"}).encode()
        req = urllib.request.Request(f"{args.base}{study_path}/participants/{codes[i]}/allocate", data=body,
                                     headers={"Cookie": f"tend_session={cookie}"})
        opener = urllib.request.build_opener(NoRedirect())
        barrier.wait()
        start = time.monotonic()
        try:
            with opener.open(req, timeout=300) as resp:
                status = resp.status
        except urllib.error.HTTPError as err:
            status = err.code
        except Exception as err:  # noqa: BLE001 (reported below)
            status = repr(err)
        results[i] = (start, time.monotonic(), status)

    threads = [threading.Thread(target=allocate, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first = min(r[0] for r in results)
    last = max(r[1] for r in results)
    latencies = [(r[1] - r[0]) * 1000 for r in results]
    statuses = Counter(r[2] for r in results)

    # Checks, from the database.
    names, rows = db.query("SELECT screening_id, stratum, sequence_index, arm, block, block_size FROM study_allocations "
                           "WHERE study_id = ?", (study["id"],))
    allocations = [dict(zip(names, r)) for r in rows]
    problems = []
    if statuses != Counter({303: n}):
        problems.append(f"responses: {dict(statuses)} (expected {n} × 303)")
    if len(allocations) != n:
        problems.append(f"{len(allocations)} allocations (expected {n})")
    if len({bytes(a['screening_id']) if isinstance(a['screening_id'], memoryview) else a['screening_id'] for a in allocations}) != len(allocations):
        problems.append("someone was allocated twice")
    slots = Counter((a["stratum"], a["sequence_index"]) for a in allocations)
    twice = [s for s, k in slots.items() if k > 1]
    if twice:
        problems.append(f"slots taken twice: {twice[:5]}")
    by_stratum = defaultdict(list)
    for a in allocations:
        by_stratum[a["stratum"]].append(a["sequence_index"])
    for stratum, indexes in by_stratum.items():
        if sorted(indexes) != list(range(len(indexes))):
            problems.append(f"stratum {stratum!r}: indexes are not 0..{len(indexes) - 1} once each")
    definition = json.loads(study["definition_json"])
    arms = [a for a in definition["arms"] if a.get("allocated", True)]
    ratio_sum = sum(a.get("ratio", 1) for a in arms)
    blocks = defaultdict(list)
    for a in allocations:
        blocks[(a["stratum"], a["block"])].append(a)
    complete = 0
    for (stratum, block), members in sorted(blocks.items()):
        size = members[0]["block_size"]
        counts = Counter(m["arm"] for m in members)
        for arm in arms:
            expected = size * arm.get("ratio", 1) // ratio_sum
            if len(members) == size and counts[arm["id"]] != expected:
                problems.append(f"block {block} of {stratum!r} unbalanced: {dict(counts)}")
            if counts[arm["id"]] > expected:
                problems.append(f"block {block} of {stratum!r} has too many in {arm['id']}: {dict(counts)}")
        complete += len(members) == size

    wall = last - first
    arm_totals = Counter(a["arm"] for a in allocations)
    print(f"{args.db}: seeded {n - 1} consented people in {seeded:.2f}s; {n} concurrent allocations in {wall:.2f}s "
          f"= {n / wall:.1f} allocations/s; latency p50 {percentile(latencies, 50):.0f} ms, "
          f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms")
    print(f"{args.db}: {len(allocations)} allocations, {len(slots)} distinct slots, {len(blocks)} blocks "
          f"({complete} complete, all balanced: {not any('block' in p for p in problems)}), arms {dict(arm_totals)}")
    print(f"RESULT {args.db} {n / wall:.1f} {percentile(latencies, 50):.0f} {percentile(latencies, 99):.0f} "
          f"{'ok' if not problems else 'FAILED'}")
    if problems:
        for p in problems:
            print("PROBLEM: " + p)
        sys.exit(1)


if __name__ == "__main__":
    main()
