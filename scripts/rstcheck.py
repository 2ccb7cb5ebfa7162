#!/usr/bin/env python3
"""The .rst files a series changes parse with docutils without messages
the base does not have (compared without line numbers; Sphinx's own
directives and roles are unknown to docutils alike in both).

  rstcheck.py TREE BASE_REF FILE...

Exit 1, listing them, when a file has a new message."""
import io
import re
import subprocess
import sys

import docutils.core
import docutils.utils


def messages(text):
    err = io.StringIO()
    try:
        docutils.core.publish_doctree(text, settings_overrides={
            "warning_stream": err, "report_level": 2, "halt_level": 5})
    except docutils.utils.SystemMessage as e:
        err.write(str(e))
    return {re.sub(r":\d+:", ":", m) for m in err.getvalue().splitlines()
            if "(WARNING/" in m or "(ERROR/" in m or "(SEVERE/" in m}


def main():
    tree, base, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    for f in files:
        old = subprocess.run(["git", "-C", tree, "show", "%s:%s" % (base, f)],
                             capture_output=True, text=True).stdout
        with open("%s/%s" % (tree, f), encoding="utf-8") as fh:
            new = fh.read()
        for m in sorted(messages(new) - messages(old)):
            print("%s: %s" % (f, m))
            bad = 1
    sys.exit(bad)


if __name__ == "__main__":
    main()
