"""The shared captures the pcap tests read (../shared/pcaps), or a skip (exit 77) when the
shared directory is not there."""
import os
import sys


def e2e_capture(shared, name):
    """Path of ntopng-e2e/NAME under SHARED/pcaps; exits 77 (skip) when it is missing."""
    path = os.path.join(shared, "pcaps", "ntopng-e2e", name)
    if not os.path.isfile(path):
        print("SKIP: %s not found" % path)
        sys.exit(77)
    return path
