#!/usr/bin/env bash
# Times `redeploy import vacancies` of 20,000 rows into a fresh SQLite database: three
# essential and two desirable skills a row, most of them repeated across rows and a few hundred
# distinct texts the vocabulary does not hold (kept as custom skills). With two binaries (for
# example this build and an earlier one), both run on the same file and the ratio is printed.
#
# Usage: benches/upload-vacancies.sh [BINARY [BASELINE_BINARY]]
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:-target/release/redeploy}")"
baseline="${2:+$(realpath "$2")}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

python3 - "${work}/vacancies.csv" <<'PY'
import random, sys
random.seed(7)
known = ["Data entry", "Customer service skills", "Phlebotomy", "Wound care", "Portering",
         "Infection prevention and control"]
unknown = [f"Local system {i}" for i in range(300)]
with open(sys.argv[1], "w") as f:
    f.write("Job reference,Job title,Band,Staff group,Site,Hours,Closing date,"
            "Essential skills,Desirable skills,Contact email\n")
    for i in range(20000):
        essential = ";".join(random.sample(known, 2) + [random.choice(unknown)])
        desirable = "Customer service;" + random.choice(unknown)
        f.write(f"UP-{i},Ward Clerk,3,Administrative and Clerical,RJZ01,37.5,2099-06-30,"
                f"{essential},{desirable},recruitment@kch.nhs.uk\n")
PY

time_upload() {
  rm -rf "${work}/data"
  local started ended
  started=$(date +%s.%N)
  "$1" --data-dir "${work}/data" import vacancies "${work}/vacancies.csv" --trust RJZ >/dev/null
  ended=$(date +%s.%N)
  python3 -c "print(f'{${ended} - ${started}:.2f}')"
}

seconds=$(time_upload "${binary}")
echo "upload of 20,000 vacancy rows into a fresh SQLite database: ${seconds} s (${binary})"
if [ -n "${baseline}" ]; then
  before=$(time_upload "${baseline}")
  echo "the same with ${baseline}: ${before} s, $(python3 -c "print(f'{${before} / ${seconds}:.1f}')")× as long"
fi
