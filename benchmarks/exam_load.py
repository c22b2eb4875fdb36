"""Forty candidates sitting an exam at once against a running exdesk (as `make run` starts
it, SQLite): each saves their answers one question at a time through the exam page's
form, as someone working through the paper does, with ``--think`` seconds between
answers (0: flat out, every candidate saving as fast as the server answers). Prints one
JSON object:

    {"candidates": 40, "saves": ..., "save_p50_ms": ..., "save_p99_ms": ..., "lost": ...}

save_*: time for the server to answer a save (the POST, not the page it redirects to).
lost: answers sent and acknowledged but not stored on the attempt at the end.

    python benchmarks/exam_load.py --candidates 40 --questions 20 --think 2
    python benchmarks/exam_load.py --think 0     # the server's limit
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exdesk.devserver import running_exdesk

SETUP = """
import json
from exdesk import testing
from exdesk.academy import services
from exdesk.academy.models import Exam, Module, Question
module = Module.objects.create(key="load", title_en="Load", title_zh="负载")
for n in range({questions}):
    Question.objects.create(module=module, key=f"load-{{n}}", language="en", kind="single",
        prompt=f"Question {{n}}", options=["A", "B", "C", "D"], answer=[n % 4])
exam = Exam.objects.create(key="load", title_en="Load", title_zh="负载",
    blueprint={{"load": {questions}}}, time_limit_minutes=60)
sittings = []
for n in range({candidates}):
    user = testing.staff(f"candidate{{n}}")
    attempt = services.start_attempt(user, exam)
    sittings.append([testing.session_cookie(user), attempt.pk,
        [item["question"] for item in attempt.items]])
print(json.dumps(sittings))
"""

STORED = """
import json
from exdesk.academy.models import Attempt
print(json.dumps({str(a.pk): a.answers for a in Attempt.objects.all()}))
"""


def candidate(
    url: str, cookie: str, attempt: int, questions: list[int], out: dict, think: float
) -> None:
    name, value = cookie.split("=", 1)
    session = requests.Session()
    session.cookies.set(name, value)
    page = session.get(f"{url}/console/training/attempts/{attempt}/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    sent: dict[str, str] = {}
    pause = random.Random(attempt)
    for n, question in enumerate(questions):
        if think:
            time.sleep(pause.uniform(0.5 * think, 1.5 * think))  # reading the question
        sent[f"q{question}"] = str(n % 4)
        started = time.perf_counter()
        response = session.post(
            f"{url}/console/training/attempts/{attempt}/",
            data={"csrfmiddlewaretoken": token, "save": "1", **sent},
            headers={"Referer": f"{url}/console/training/attempts/{attempt}/"},
            allow_redirects=False,
            timeout=30,
        )
        out["latencies"].append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            out["errors"] += 1
    out["sent"][str(attempt)] = {key[1:]: int(value) for key, value in sent.items()}


def run(candidates: int, questions: int, think: float) -> dict:
    setup = SETUP.format(candidates=candidates, questions=questions)
    with running_exdesk() as desk:
        sittings = json.loads(desk.manage("shell", "-c", setup).strip().splitlines()[-1])
        out: dict = {"latencies": [], "errors": 0, "sent": {}}
        threads = [
            threading.Thread(target=candidate, args=(desk.url, cookie, attempt, items, out, think))
            for cookie, attempt, items in sittings
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        stored = json.loads(desk.manage("shell", "-c", STORED).strip().splitlines()[-1])
    # The answers are kept as the option's place on the page; sent is the same.
    lost = sum(
        1
        for attempt, answers in out["sent"].items()
        for question, value in answers.items()
        if stored.get(attempt, {}).get(question) != value
    )
    latencies = sorted(out["latencies"])
    return {
        "candidates": candidates,
        "think_s": think,
        "saves": len(latencies),
        "seconds": round(elapsed, 1),
        "saves_per_s": round(len(latencies) / elapsed, 1),
        "save_p50_ms": round(statistics.median(latencies), 1),
        "save_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "errors": out["errors"],
        "lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between answers")
    args = parser.parse_args()
    print(json.dumps(run(args.candidates, args.questions, args.think)))


if __name__ == "__main__":
    main()
