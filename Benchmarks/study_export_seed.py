"""Seeds a Tend SQLite database for Benchmarks/study-export.sh: N participants in one study, each joined,
allocated to one of the study's arms and with every questionnaire of 5 timepoints x 5 single-score
instruments submitted, stored as the server stores them (ids as upper-case UUID text, times as Unix
seconds, answers and score sheets as JSON). The study itself was created through the web pages; this
widens its definition to the 5 x 5 schedule and bulk-inserts the rest in one transaction.

    python3 Benchmarks/study_export_seed.py tend.sqlite STUDY_ID 10000
"""
import json
import random
import sqlite3
import sys
import time
import uuid

path, study_id, count = sys.argv[1], sys.argv[2].upper(), int(sys.argv[3])
random.seed(20261124)
start = time.time()
db = sqlite3.connect(path)

# (instrument, items, min, max, measure)
instruments = [("phq9", 9, 0, 3), ("gad7", 7, 0, 3), ("ldq", 10, 0, 3), ("pseq", 10, 0, 6), ("peg3", 3, 0, 10)]
timepoints = ["baseline", "week-4", "week-8", "post", "follow-up"]

(definition_json,) = db.execute("SELECT definition_json FROM studies WHERE id = ?", (study_id,)).fetchone()
definition = json.loads(definition_json)
arms = [a["id"] for a in definition["arms"]]
template = definition["timepoints"][0]
definition["timepoints"] = []
for i, t in enumerate(timepoints):
    tp = dict(template)
    tp.update({"id": t, "kind": "baseline" if i == 0 else ("post" if t == "post" else "follow-up"),
               "anchor": "consent", "daysBefore": 0, "daysAfter": 7})
    if i > 0:
        tp["weeks"] = 4 * i
    definition["timepoints"].append(tp)
definition["schedule"] = [{"instrument": name, "timepoints": timepoints} for name, *_ in instruments]
definition["riskItems"] = []

now = time.time()
with db:
    db.execute("UPDATE studies SET definition_json = ?, status = 'recruiting', allocation_seed = '1', opened_at = ? WHERE id = ?",
               (json.dumps(definition, sort_keys=True), now, study_id))
    users, screenings, allocations, assignments = [], [], [], []
    for n in range(1, count + 1):
        user = str(uuid.uuid4()).upper()
        screening = str(uuid.uuid4()).upper()
        code = "BX%05d" % n
        users.append((user, now, now, "bench%05d@example.org" % n, "Bench Person %d" % n, "participant", "x"))
        screenings.append((screening, now, study_id, n, code, "2026-01-05", "eligible", 1, user))
        allocations.append((str(uuid.uuid4()).upper(), study_id, screening, "", n - 1, arms[(n - 1) % len(arms)], 0,
                            len(arms), now, 0))
        for k, t in enumerate(timepoints):
            submitted = now - (len(timepoints) - k) * 28 * 86400
            for name, items, lo, hi in instruments:
                answers = [random.randint(lo, hi) for _ in range(items)]
                sheet = {"missing": [], "scores": [{"measure": name + ".total", "proratedItems": [], "score": sum(answers)}]}
                assignments.append((str(uuid.uuid4()).upper(), user, study_id, name, t, "Europe/London", "2026-01-05",
                                    "2026-01-05", "2026-01-12", "completed-on-time", json.dumps(answers),
                                    json.dumps(sheet, sort_keys=True), "1", submitted, submitted, submitted))
    # The study's creator (the demo admin) works on it as its researcher.
    db.execute("INSERT INTO study_staff (id, study_id, user_id, study_role) SELECT ?, id, created_by_id, 'researcher' FROM studies "
               "WHERE id = ? AND NOT EXISTS (SELECT 1 FROM study_staff s WHERE s.study_id = studies.id AND s.user_id = studies.created_by_id)",
               (str(uuid.uuid4()).upper(), study_id))
    db.executemany("INSERT INTO users (id, created_at, updated_at, email, name, role, password_hash) VALUES (?,?,?,?,?,?,?)", users)
    db.executemany("INSERT INTO study_screenings (id, created_at, study_id, number, code, approached_on, eligibility, agreed, user_id) "
                   "VALUES (?,?,?,?,?,?,?,?,?)", screenings)
    db.executemany("INSERT INTO study_allocations (id, study_id, screening_id, stratum, sequence_index, arm, block, block_size, "
                   "allocated_at, offer_after_follow_up) VALUES (?,?,?,?,?,?,?,?,?,?)", allocations)
    db.executemany("INSERT INTO questionnaire_assignments (id, user_id, study_id, instrument_id, timepoint_id, time_zone, opens_on, "
                   "due_on, closes_on, status, answers, scores, scored_with, submitted_at, created_at, updated_at) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", assignments)
print("seeded %d participants, %d questionnaires in %.1f s" % (count, len(assignments), time.time() - start))
