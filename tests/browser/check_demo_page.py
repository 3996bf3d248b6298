#!/usr/bin/env python3
"""The demo page in a real browser: starts deploy/run-demo.sh on free ports (nats-server,
the demo backend serving the page, the gateway with deploy/gangway.demo.json), then
runs demo_page.mjs (playwright-core driving Debian's chromium) against the URL the
banner prints. Screenshots and the run's logs stay in OUT_DIR.

usage: check_demo_page.py REPO_ROOT BUILD_DIR OUT_DIR NODE_BIN
"""
import os
import shutil
import subprocess
import sys

repo, build_dir, out_dir, node = sys.argv[1:5]
sys.path.insert(0, os.path.join(repo, "tests/deploy"))
from demo_run import start_demo  # noqa: E402

shutil.rmtree(out_dir, ignore_errors=True)
os.makedirs(out_dir)
run = start_demo(repo, build_dir, os.path.join(out_dir, "run"))
status = 1
try:
    url = run.page_url()
    print("page:", url, flush=True)
    status = subprocess.run([node, os.path.join(repo, "tests/browser/demo_page.mjs"), url, out_dir],
                            timeout=240).returncode
finally:
    run.stop()
    if status != 0:
        for name in ("run-demo.out", "gangway.log", "backend.log"):
            path = os.path.join(out_dir, "run", name)
            if os.path.exists(path):
                print(f"--- {name} (last 40 lines)")
                print("".join(open(path, errors="replace").readlines()[-40:]))
sys.exit(status)
