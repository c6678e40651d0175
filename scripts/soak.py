#!/usr/bin/env python3
"""Soak: steady Firehose deliveries to a release `firebreak serve` on loopback, its resident memory sampled.

Starts the service on a free 127.0.0.1 port with a store of its own, posts real-format deliveries (base64 of
gzip'd CloudWatch Logs batches of flow-log lines from a VPC of 500 interfaces, 2 % REJECTed so that findings are
committed) from two
connections for --seconds, samples VmRSS every --interval seconds and prints a table. Exit status 1 when the
resident size at the end is more than --tolerance above the size after the first minute, or a delivery was not
answered 200; 0 otherwise. Traffic goes to 127.0.0.1 only, and the run stops by itself.

    scripts/soak.sh                  # 10 minutes
    scripts/soak.sh --seconds 120    # a shorter look
"""
import argparse
import base64
import gzip
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flow_line(rng, reject):
    # A VPC of 500 ENIs: each interface has its own address, as in a real VPC's flow logs.
    n = rng.randrange(500)
    eni = "eni-0a1b2c3d4e5f6%04d" % n
    src = "10.0.%d.%d" % (n // 250, n % 250 + 1)
    dst = "198.51.100.%d" % rng.randrange(250)
    port = rng.choice([443, 443, 443, 80, 53, 22, 6667])
    start = int(time.time()) - 60
    action = "REJECT" if reject else "ACCEPT"
    return "2 123456789012 %s %s %s %d %d 6 %d %d %d %d %s OK" % (
        eni, src, dst, rng.randrange(32768, 61000), port, rng.randrange(1, 50), rng.randrange(60, 90000),
        start, start + 60, action)


def delivery(rng, request_id, records=20, lines=200, reject=0.02):
    data = []
    for r in range(records):
        events = [{"id": "%056d" % (r * lines + i), "timestamp": int(time.time() * 1000),
                   "message": flow_line(rng, rng.random() < reject)} for i in range(lines)]
        payload = {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/vpc/flow-logs",
                   "logStream": "eni-all", "subscriptionFilters": ["to-firehose"], "logEvents": events}
        data.append({"data": base64.b64encode(gzip.compress(json.dumps(payload).encode(), 1)).decode()})
    return json.dumps({"requestId": request_id, "timestamp": int(time.time() * 1000), "records": data}).encode()


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--reject", type=float, default=0.02, help="share of REJECTed lines (findings)")
    parser.add_argument("--arena-max", type=int, default=2,
                        help="MALLOC_ARENA_MAX for the service, as the image and the systemd unit set it; 0 leaves glibc's default")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/firebreak"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="firebreak-soak-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREBREAK_")}
    env.update({
        "FIREBREAK_LISTEN": "127.0.0.1:%d" % port, "FIREBREAK_ADMIN_LISTEN": "127.0.0.1:%d" % free_port(),
        "FIREBREAK_ACCESS_KEY": "soak-key", "FIREBREAK_STORE": os.path.join(workdir, "firebreak.sqlite"),
        "FIREBREAK_RULES": os.path.join(ROOT, "config/rules"), "FIREBREAK_INTEL_FOLDER": os.path.join(ROOT, "config/intel"),
        "FIREBREAK_PLAYBOOKS": os.path.join(ROOT, "config/playbooks.yaml"), "FIREBREAK_INTERNAL_CIDRS": "10.0.0.0/16",
        "FIREBREAK_LOG_LEVEL": "warning",
    })
    if args.arena_max > 0:
        env["MALLOC_ARENA_MAX"] = str(args.arena_max)
    log = open(os.path.join(workdir, "service.log"), "w")
    service = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        service.kill()
        sys.exit("the service did not start; see %s" % log.name)

    stop = threading.Event()
    counts = {"sent": 0, "failed": 0, "records": 0}
    lock = threading.Lock()

    def client(seed):
        rng = random.Random(seed)
        bodies = [delivery(rng, "soak-%d-%d" % (seed, i), reject=args.reject) for i in range(4)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while not stop.is_set():
            request_id = "soak-%d-%d" % (seed, n)
            body = bodies[n % len(bodies)].replace(b'"requestId": "soak-%d-%d"' % (seed, n % len(bodies)),
                                                  b'"requestId": "%s"' % request_id.encode(), 1)
            headers = {"Content-Type": "application/json", "X-Amz-Firehose-Request-Id": request_id,
                       "X-Amz-Firehose-Access-Key": "soak-key", "X-Amz-Firehose-Protocol-Version": "1.0"}
            try:
                conn.request("POST", "/firehose", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                counts["sent"] += 1
                counts["records"] += 20 * 200
                if not ok:
                    counts["failed"] += 1
            n += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(seed,), daemon=True) for seed in (1, 2)]
    for t in threads:
        t.start()
    samples = []
    start = time.time()
    print("| elapsed s | RSS MiB | deliveries | failed |")
    print("|---|---|---|---|")
    try:
        while time.time() - start < args.seconds:
            time.sleep(args.interval)
            if service.poll() is not None:
                sys.exit("the service exited with %s; see %s" % (service.returncode, log.name))
            with lock:
                sent, failed = counts["sent"], counts["failed"]
            samples.append((time.time() - start, rss(service.pid)))
            print("| %d | %.1f | %d | %d |" % (samples[-1][0], samples[-1][1] / 1048576, sent, failed), flush=True)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=35)
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
    after_minute = next((r for t, r in samples if t >= 60), samples[0][1] if samples else 0)
    end = samples[-1][1] if samples else 0
    growth = (end - after_minute) / after_minute if after_minute else 0
    verdict = growth <= args.tolerance and counts["failed"] == 0
    print("RSS after the first minute %.1f MiB, at the end %.1f MiB: %+.1f %% (allowed +%d %%); %d deliveries "
          "(%d records), %d not answered 200: %s"
          % (after_minute / 1048576, end / 1048576, growth * 100, args.tolerance * 100, counts["sent"],
             counts["records"], counts["failed"], "PASS" if verdict else "FAIL"))
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
