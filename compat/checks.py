"""PASS/FAIL reporting shared by the Python client scripts in compat/.

Each check prints one "PASS <name>" or "FAIL <name>: <reason>" line, which
compat_test.go turns into a subtest; finish() prints the summary line and
returns the exit status (1 if any check failed). CHECK_VERBOSE=1 adds the
traceback of a failure.
"""

import os
import sys
import traceback

failures = 0


def check(name, fn):
    global failures
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - report every failure
        failures += 1
        print("FAIL %s: %s: %s" % (name, type(exc).__name__, str(exc).replace("\n", " | ")))
        if os.environ.get("CHECK_VERBOSE"):
            traceback.print_exc(file=sys.stdout)
    else:
        print("PASS %s" % name)
    sys.stdout.flush()


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def finish():
    print("%s: %d check(s) failed" % ("FAIL" if failures else "PASS", failures))
    return 1 if failures else 0
