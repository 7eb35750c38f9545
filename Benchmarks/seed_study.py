#!/usr/bin/env python3
"""Seeds a large study straight into a Tend SQLite database, for Benchmarks/study-dashboard.sh.

The study must exist already (created through the pages, so its definition is the server's own JSON).
Its definition is rewritten to five timepoints x five questionnaires, it is marked open, and people are
added with bulk inserts: N participants who completed every questionnaire (N x 25 scores), N/10 more who
dropped out after baseline (5 scores each), and N/4 screened out (ineligible or declined), with their
screening rows, participant accounts, consents, allocations to the study's arms (alternating) and one
submitted questionnaire per timepoint and measure.
Values are stored in the formats the server itself used for the rows already in the file (UUIDs and
timestamps are read back to find out), so Fluent reads the seeded rows as its own.

    python3 Benchmarks/seed_study.py DB STUDY_ID [N] [FINGERPRINTS]

FINGERPRINTS is the output of `tend instruments list --fingerprints` ("id version hash" per line). With
it, each seeded questionnaire carries the hash of the rules that would score it, as one scored by the
server does, so the server's start-up re-scoring leaves the seeded scores alone (they have no item
answers to re-score from).
"""
import json
import random
import sqlite3
import sys
import time
import uuid

db_path, study_id = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
scored_with = {}
if len(sys.argv) > 4:
    with open(sys.argv[4]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                scored_with[parts[0]] = (parts[1], parts[2])
rng = random.Random(20260301)
con = sqlite3.connect(db_path)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")

# How this database stores UUIDs and dates: look at the study row the server wrote.
study_uuid = uuid.UUID(study_id)
for candidate in (study_uuid.bytes, str(study_uuid), str(study_uuid).upper()):
    row = con.execute("SELECT id, created_at, definition_json FROM studies WHERE id = ?", (candidate,)).fetchone()
    if row:
        break
else:
    sys.exit(f"no study {study_id} in {db_path}")
raw_id, created_at, definition_json = row
if isinstance(raw_id, bytes):
    def uid(u): return u.bytes
else:
    upper = raw_id.isupper()
    def uid(u): return str(u).upper() if upper else str(u)
study_key = raw_id
if isinstance(created_at, (int, float)):
    def stamp(t): return float(t)
else:
    sys.exit(f"unexpected date storage {created_at!r}: extend seed_study.py")

definition = json.loads(definition_json)
timepoints = [
    {"id": "baseline", "kind": "baseline", "anchor": "consent", "daysBefore": 0, "daysAfter": 7},
    {"id": "week-4", "kind": "follow-up", "weeks": 4, "anchor": "consent", "daysBefore": 3, "daysAfter": 3},
    {"id": "post", "kind": "post", "anchor": "programme-end", "daysBefore": 0, "daysAfter": 7},
    {"id": "follow-up-3m", "kind": "follow-up", "weeks": 12, "anchor": "programme-end", "daysBefore": 7, "daysAfter": 7},
    {"id": "follow-up-6m", "kind": "follow-up", "weeks": 24, "anchor": "programme-end", "daysBefore": 7, "daysAfter": 7},
]
# measure, mean at baseline, SD, range, direction of improvement (-1: scores fall).
measures = [("phq9", 14, 5, (0, 27), -1), ("gad7", 12, 4.5, (0, 21), -1), ("pseq", 28, 11, (0, 60), 1),
            ("scs-sf", 2.6, 0.6, (1, 5), 1), ("ldq", 15, 7, (0, 30), -1)]
definition["timepoints"] = timepoints
definition["schedule"] = [{"instrument": m[0], "timepoints": [t["id"] for t in timepoints]} for m in measures]
definition["feasibilityCriteria"] = [
    {"numerator": "agreed", "denominator": "approached", "threshold": 0.6},
    {"numerator": "completed", "denominator": "baseline", "threshold": 0.7},
]
arms = [a["id"] for a in definition["arms"]]
con.execute("UPDATE studies SET definition_json = ?, status = 'recruiting', allocation_seed = '12345', "
            "allocation_method = 'permuted-blocks-v1', opened_at = ? WHERE id = ?",
            (json.dumps(definition, sort_keys=True), stamp(time.time()), study_key))

now = time.time()
start = time.time()
submitted = now - 400 * 24 * 3600
users, screenings, consents, allocations, assignments = [], [], [], [], []
kinds = ["complete"] * n + ["dropped"] * (n // 10) + ["ineligible"] * (n // 8) + ["declined"] * (n // 8)
rng.shuffle(kinds)
allocated_so_far = 0
for i, kind in enumerate(kinds):
    code = "S-%04d" % (i + 1)
    sid = uuid.uuid4()
    eligible = kind != "ineligible"
    agreed = None if not eligible else kind != "declined"
    allocated = kind in ("complete", "dropped")
    user = uuid.uuid4() if allocated else None
    milestone = None
    arm = None
    stop_after = 5
    if allocated:
        arm = arms[allocated_so_far % len(arms)]
        allocated_so_far += 1
        stop_after = 5 if kind == "complete" else 1
        milestone = "completed" if kind == "complete" else "baseline"
    screenings.append((uid(sid), stamp(now), study_key, i + 1, code, "2026-03-01", None,
                       "eligible" if eligible else "ineligible", "meets every criterion" if eligible else "under 18",
                       agreed, milestone, uid(user) if user else None))
    if not allocated:
        continue
    users.append((uid(user), f"{code.lower()}@bench.tend.invalid", code, "participant", "x", stamp(now), stamp(now)))
    consents.append((uid(uuid.uuid4()), study_key, uid(sid), uid(user), "v1", '["a"]', stamp(now)))
    allocations.append((uid(uuid.uuid4()), study_key, uid(sid), "all", i, arm, i // 2, 2, stamp(now), 0))
    effect = 0.6 if arm == arms[0] else 0.25
    for (m, mean, sd, (lo, hi), direction) in measures:
        base = rng.gauss(mean, sd)
        for k, t in enumerate(timepoints):
            if k >= stop_after:
                break
            change = direction * effect * sd * min(k, 2) / 2
            value = min(hi, max(lo, base + change + rng.gauss(0, sd * 0.45)))
            value = round(value, 2) if m == "scs-sf" else float(round(value))
            sheet = json.dumps({"missing": [], "scores": [{"measure": f"{m}.total", "proratedItems": [], "score": value}]},
                               sort_keys=True, separators=(",", ":"))
            assignments.append((uid(uuid.uuid4()), uid(user), study_key, m, t["id"], "UTC", "2026-03-01", "2026-03-05",
                                "2026-03-10", "completed-on-time", "[]", sheet, *scored_with.get(m, (None, None)),
                                stamp(submitted), stamp(submitted), stamp(submitted)))
            # Submissions a second apart, as people answer at their own moments (and each row's latest
            # update is its own, as the dashboard's refresh of changed rows expects of live data).
            submitted += 1

con.executemany("INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (?,?,?,?,?,?,?)", users)
con.executemany("INSERT INTO study_screenings (id, created_at, study_id, number, code, approached_on, answers_json, eligibility, "
                "eligibility_reason, agreed, milestone, user_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", screenings)
con.executemany("INSERT INTO study_consents (id, study_id, screening_id, user_id, version, items_json, signed_at) VALUES (?,?,?,?,?,?,?)", consents)
con.executemany("INSERT INTO study_allocations (id, study_id, screening_id, stratum, sequence_index, arm, block, block_size, "
                "allocated_at, offer_after_follow_up) VALUES (?,?,?,?,?,?,?,?,?,?)", allocations)
con.executemany("INSERT INTO questionnaire_assignments (id, user_id, study_id, instrument_id, timepoint_id, time_zone, opens_on, "
                "due_on, closes_on, status, answers, scores, scored_with, definition_hash, submitted_at, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", assignments)
con.commit()
print(f"seeded {len(screenings)} screened, {len(allocations)} allocated, {len(assignments)} scores "
      f"in {time.time() - start:.1f} s")
