"""Latency side of bench/current-state.sh: writes and reads against a running server, each
compared with the bare /healthz route measured by the same client in the same run.

    python3 bench/current_state.py BASE_URL TOKEN CATALOG_JSON COMMAND [ARGS]

Commands:
    populate FIRST LAST     create organizations bench-FIRST..bench-LAST, each with a full batch
    latency ROUNDS          single write, full batch, write-then-read pair; prints one JSON line
    lua OUT_DIR COUNT       write the wrk scripts (unique reads, writers over COUNT organizations)

Standard library only; every request has a timeout.
"""

import json
import sys
import time
import urllib.request

BASE, TOKEN, CATALOG = sys.argv[1], sys.argv[2], sys.argv[3]
HEADERS = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def actions():
    with open(CATALOG) as handle:
        return [a for a in json.load(handle) if not a["deprecated"]]


def batch(seed):
    """Every action measured; `seed` moves the counts so each batch changes the score."""
    out = []
    for index, action in enumerate(actions()):
        if action["scoringMethod"] == "partial":
            total = 40 + (index % 7)
            out.append({"actionId": action["id"], "achieved": (seed + index) % (total + 1), "total": total})
        else:
            out.append({"actionId": action["id"], "implemented": (seed + index) % 2 == 0})
    return out


def org_id(number):
    return "bench-%04d" % number


def populate(first, last):
    for number in range(first, last + 1):
        call("POST", "/api/v1/organizations", {
            "id": org_id(number), "displayName": "Bench %d" % number,
            "licensedUserCount": 50 + number % 400, "industry": "Finance", "region": "EU",
        })
        call("PUT", "/api/v1/organizations/%s/measurements" % org_id(number), {"measurements": batch(number)})


def timed(function):
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency(rounds):
    first = actions()[0]
    assert first["scoringMethod"] == "partial", first
    bare, single, whole, pair, mismatches = [], [], [], [], 0
    for n in range(rounds):
        bare.append(timed(lambda: call("GET", "/healthz"))[0])
        org = org_id(1 + n % 50)
        body = {"measurements": [{"actionId": first["id"], "achieved": n % 41, "total": 40 + n % 2}]}
        single.append(timed(lambda: call("PUT", "/api/v1/organizations/%s/measurements" % org, body))[0])
    for n in range(max(10, rounds // 2)):
        org = org_id(51 + n % 50)
        # Built before the clock starts, as the single write's body is: about 2 ms of Python.
        body = {"measurements": batch(1000 + n)}
        whole.append(timed(lambda: call("PUT", "/api/v1/organizations/%s/measurements" % org, body))[0])
    for n in range(rounds):
        org = org_id(101 + n % 50)
        body = {"measurements": [{"actionId": first["id"], "achieved": (n * 7) % 41, "total": 40}]}

        def both():
            written = call("PUT", "/api/v1/organizations/%s/measurements" % org, body)
            score = call("GET", "/api/v1/organizations/%s/score" % org)
            graph = call("GET", "/v1.0/security/secureScores?$top=1&organization=%s" % org)
            return written, score, graph

        elapsed, (written, score, graph) = timed(both)
        pair.append(elapsed)
        values = {round(written["currentScore"], 6), round(score["currentScore"], 6),
                  round(graph["value"][0]["currentScore"], 6)}
        if len(values) != 1:
            mismatches += 1
    print(json.dumps({
        "bare_p50": percentile(bare, 0.5), "single_p50": percentile(single, 0.5),
        "single_p99": percentile(single, 0.99), "batch_p50": percentile(whole, 0.5),
        "pair_p50": percentile(pair, 0.5), "pair_p99": percentile(pair, 0.99),
        "pair_mismatches": mismatches, "rounds": rounds,
    }))


def lua(out_dir, count):
    with open(out_dir + "/unique.lua", "w") as handle:
        handle.write("""local counter = 0
request = function()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "n=" .. counter)
end
""")
    first = actions()[0]["id"]
    with open(out_dir + "/writers.lua", "w") as handle:
        handle.write("""local counter = 0
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local org = string.format("bench-%%04d", 1 + counter %% %d)
  local body = string.format('{"measurements":[{"actionId":"%s","achieved":%%d,"total":40}]}', counter %% 41)
  return wrk.format(nil, "/api/v1/organizations/" .. org .. "/measurements", nil, body)
end
""" % (count, first))


if __name__ == "__main__":
    command = sys.argv[4]
    if command == "populate":
        populate(int(sys.argv[5]), int(sys.argv[6]))
    elif command == "latency":
        latency(int(sys.argv[5]))
    elif command == "lua":
        lua(sys.argv[5], int(sys.argv[6]))
    else:
        sys.exit("unknown command " + command)
