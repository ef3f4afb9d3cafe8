#!/usr/bin/env python3
"""Generates the API documents from the binding registry.

    gen_api_docs.py --probe build/bin/ntop-probe --functions ../shared/api/functions.tsv \
                    --out-dir doc [--check doc]

Inputs:
  * the registry, as printed by `ntop-probe --list-api` (TSV: namespace, name, category,
    privilege, context), read from --probe (run) or --list-api FILE ("-" = stdin);
  * ntopng's function list, shared/api/functions.tsv (the coverage target).

Outputs (in --out-dir):
  * api-reference.md: every registered function, per namespace (the registry only);
  * api-coverage.md: every ntopng function, implemented or not, per namespace, and the
    registered functions that ntopng does not have (there should be none).

The output depends only on the inputs: no dates, no paths, sorted rows, so the committed
documents can be checked for drift (--check DIR compares the generated files with the ones
in DIR and prints a diff).

Exit codes: 0 ok; 1 drift (with --check) or bad input; 77 the coverage document could not
be made because functions.tsv is missing (the reference document is still made and checked
first, so drift in it fails instead).
"""

import argparse
import collections
import csv
import difflib
import os
import subprocess
import sys

REFERENCE = "api-reference.md"
COVERAGE = "api-coverage.md"
EXIT_SKIP = 77

# The namespaces in ntopng's order (shared/api/README.md); others follow alphabetically.
NAMESPACE_ORDER = ["ntop", "interface", "flow", "host", "network"]

REGISTRY_COLUMNS = ["namespace", "name", "category", "privilege", "context"]
TARGET_COLUMNS = ["namespace", "name", "category", "meaning"]

PRIVILEGE_NOTES = {
    "read": "any authenticated user",
    "write": "changes probe state",
    "admin": "administrators only",
    "exec": "administrators only; remote callers need --rpc-allow-exec (runs commands or "
    "opens outbound connections)",
}
CONTEXT_NOTES = {
    "none": "global or stateless",
    "interface": "the selected interface; runs on the thread that owns it",
    "flow": "the current flow of a flow check",
    "host": "the current host of a host check",
    "network": "the current local network of a network check",
}

REGEN_HINT = "make -C build api_docs"


class InputError(Exception):
    pass


Function = collections.namedtuple("Function", "namespace name category privilege context")
Target = collections.namedtuple("Target", "namespace name category meaning")


def ns_key(ns):
    if ns in NAMESPACE_ORDER:
        return (0, NAMESPACE_ORDER.index(ns), "")
    return (1, 0, ns)


def name_key(name):
    return (name.lower(), name)


def md_cell(text):
    """Text made safe for a Markdown table cell."""
    text = " ".join(str(text).split())  # no newlines or tabs
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text if text else " "


def md_code(text):
    return "`" + text.replace("`", "'") + "`"


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        out.append("| " + " | ".join(row) + " |")
    return out


def count(n, what):
    return "%d %s%s" % (n, what, "" if n == 1 else "s")


def pct(n, m):
    return "%.1f%%" % (100.0 * n / m) if m else "-"


def anchor(ns):
    return "#" + ns.lower()


# ------------------------------------------------------------------------------------------
# Inputs


def read_tsv(lines, required, what):
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("%s: empty input" % what)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError("%s: header lacks column(s) %s (got: %s)"
                         % (what, ", ".join(missing), " ".join(header)))
    idx = {c: header.index(c) for c in required}
    rows = []
    for lineno, fields in enumerate(reader, start=2):
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) < len(header):
            raise InputError("%s:%d: %d fields, expected %d"
                             % (what, lineno, len(fields), len(header)))
        rows.append({c: fields[i].strip() for c, i in idx.items()})
    return rows


def load_registry(args):
    if args.list_api:
        what = args.list_api
        if args.list_api == "-":
            text = sys.stdin.read()
        else:
            with open(args.list_api, encoding="utf-8") as f:
                text = f.read()
    else:
        what = "%s --list-api" % args.probe
        try:
            res = subprocess.run([args.probe, "--list-api"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        except OSError as e:
            raise InputError("cannot run %s: %s" % (args.probe, e))
        if res.returncode != 0:
            raise InputError("%s exited with %d: %s"
                             % (what, res.returncode, res.stderr.strip()))
        text = res.stdout
    rows = read_tsv(text.splitlines(), REGISTRY_COLUMNS, what)
    funcs = [Function(*(r[c] for c in REGISTRY_COLUMNS)) for r in rows]
    if not funcs:
        raise InputError("%s: no registered function" % what)
    return funcs


def load_targets(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = read_tsv(f.read().splitlines(), TARGET_COLUMNS, path)
    return [Target(*(r[c] for c in TARGET_COLUMNS)) for r in rows]


def duplicates(items):
    count = collections.Counter((i.namespace, i.name) for i in items)
    return sorted((k for k, n in count.items() if n > 1), key=lambda k: (ns_key(k[0]), k[1]))


# ------------------------------------------------------------------------------------------
# Documents


def header_lines(title, sources):
    return [
        "# " + title,
        "",
        "<!-- Generated by doc/gen_api_docs.py from %s. Do not edit: run `%s`. -->"
        % (sources, REGEN_HINT),
        "",
    ]


def problem_lines(dups, what):
    if not dups:
        return []
    out = ["**Warning:** more than once in %s (only the first row is used):" % what, ""]
    out += ["- %s" % md_code("%s.%s" % k) for k in dups]
    return out + [""]


def render_reference(funcs):
    by_ns = collections.defaultdict(dict)
    for f in funcs:
        by_ns[f.namespace].setdefault(f.name, f)  # first registration wins
    namespaces = sorted(by_ns, key=ns_key)

    out = header_lines("ntop-probe Lua API reference", "`ntop-probe --list-api`")
    out += [
        "Every function of the binding registry, per namespace. *Privilege* is who may call it",
        "(over RPC), *context* the state it needs before it can run.",
        "",
    ]
    out += md_table(["privilege", "meaning"],
                    [[md_code(k), v] for k, v in PRIVILEGE_NOTES.items()])
    out += [""]
    out += md_table(["context", "meaning"],
                    [[md_code(k), v] for k, v in CONTEXT_NOTES.items()])
    out += [""]
    out += problem_lines(duplicates(funcs), "the registry")

    out += md_table(["namespace", "functions"],
                    [["[%s](%s)" % (md_code(ns), anchor(ns)), str(len(by_ns[ns]))]
                     for ns in namespaces])
    out += ["", "Total: %s." % count(sum(len(v) for v in by_ns.values()), "function"), ""]

    for ns in namespaces:
        fs = sorted(by_ns[ns].values(), key=lambda f: name_key(f.name))
        out += ["## %s" % ns, "", count(len(fs), "function") + ".", ""]
        out += md_table(["function", "category", "privilege", "context"],
                        [[md_code("%s.%s" % (ns, f.name)), md_cell(f.category),
                          md_cell(f.privilege), md_cell(f.context)] for f in fs])
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_coverage(funcs, targets):
    registered = {}
    for f in funcs:
        registered.setdefault((f.namespace, f.name), f)
    target_by_ns = collections.defaultdict(dict)
    for t in targets:
        target_by_ns[t.namespace].setdefault(t.name, t)
    target_keys = {(t.namespace, t.name) for t in targets}
    extra = sorted((f for k, f in registered.items() if k not in target_keys),
                   key=lambda f: (ns_key(f.namespace), name_key(f.name)))
    namespaces = sorted(target_by_ns, key=ns_key)

    out = header_lines("ntop-probe Lua API coverage",
                       "`ntop-probe --list-api` and shared/api/functions.tsv")
    out += [
        "Which functions of ntopng's Lua API (shared/api/functions.tsv, the coverage target)",
        "the binding registry implements. *Ours* columns come from the registry, *ntopng*",
        "columns from the target list.",
        "",
    ]
    out += problem_lines(duplicates(funcs), "the registry")
    out += problem_lines(duplicates(targets), "shared/api/functions.tsv")

    rows = []
    tot_n = tot_m = 0
    for ns in namespaces:
        m = len(target_by_ns[ns])
        n = sum(1 for name in target_by_ns[ns] if (ns, name) in registered)
        tot_n += n
        tot_m += m
        rows.append(["[%s](%s)" % (md_code(ns), anchor(ns)), str(n), str(m), pct(n, m)])
    rows.append(["**total**", "**%d**" % tot_n, "**%d**" % tot_m, "**%s**" % pct(tot_n, tot_m)])
    out += md_table(["namespace", "implemented", "target", "coverage"], rows)
    out += [""]
    if extra:
        out += ["**Warning:** %d registered function(s) are not in the target list: see "
                "[Not in the target list](#not-in-the-target-list)." % len(extra), ""]

    for ns in namespaces:
        ts = sorted(target_by_ns[ns].values(), key=lambda t: name_key(t.name))
        m = len(ts)
        n = sum(1 for t in ts if (ns, t.name) in registered)
        out += ["## %s" % ns, "", "Implemented %d of %d (%s)." % (n, m, pct(n, m)), ""]
        trows = []
        for t in ts:
            f = registered.get((ns, t.name))
            if f:
                ours = [md_cell(f.category), md_cell(f.privilege), md_cell(f.context)]
            else:
                ours = ["-", "-", "-"]
            trows.append([md_code("%s.%s" % (ns, t.name)), "yes" if f else "no"] + ours
                         + [md_cell(t.category), md_cell(t.meaning)])
        out += md_table(["function", "implemented", "our category", "privilege", "context",
                         "ntopng category", "meaning"], trows)
        out += [""]

    out += ["## Not in the target list", ""]
    if extra:
        out += ["**Warning:** these registered functions are not in ntopng's API "
                "(shared/api/functions.tsv): rename them or remove them from the registry.", ""]
        out += md_table(["function", "category", "privilege", "context"],
                        [[md_code("%s.%s" % (f.namespace, f.name)), md_cell(f.category),
                          md_cell(f.privilege), md_cell(f.context)] for f in extra])
    else:
        out += ["None: every registered function is in the target list."]
    return "\n".join(out).rstrip("\n") + "\n", extra


# ------------------------------------------------------------------------------------------
# Output and drift check


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def check_drift(name, generated, committed_dir):
    """Returns True when committed_dir/name equals `generated`; prints a diff otherwise."""
    path = os.path.join(committed_dir, name)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            committed = f.read()
    except FileNotFoundError:
        print("FAIL: doc/%s is missing (%s). Generate it with `%s` and commit it."
              % (name, path, REGEN_HINT))
        return False
    if committed == generated:
        print("ok: doc/%s is current" % name)
        return True
    diff = list(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True),
                                     "committed/doc/" + name, "generated/doc/" + name, n=1))
    print("FAIL: doc/%s differs from what the registry generates (%d diff lines)."
          % (name, len(diff)))
    print("      Run `%s` and commit doc/%s." % (REGEN_HINT, name))
    limit = 200
    sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff[:limit])
    if len(diff) > limit:
        print("... %d more diff lines" % (len(diff) - limit))
    return False


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--probe", help="ntop-probe executable (run with --list-api)")
    src.add_argument("--list-api", metavar="FILE", help="saved --list-api output ('-' = stdin)")
    ap.add_argument("--functions", metavar="TSV",
                    help="shared/api/functions.tsv (without it only the reference is made)")
    ap.add_argument("--out-dir", required=True, help="where to write the documents")
    ap.add_argument("--check", metavar="DIR",
                    help="compare the generated documents with the ones in DIR")
    args = ap.parse_args(argv)

    try:
        funcs = load_registry(args)
        os.makedirs(args.out_dir, exist_ok=True)

        ok = True
        reference = render_reference(funcs)
        write(os.path.join(args.out_dir, REFERENCE), reference)
        if not args.check:
            print("wrote %s (%d functions)" % (os.path.join(args.out_dir, REFERENCE), len(funcs)))
        else:
            ok = check_drift(REFERENCE, reference, args.check)

        if not args.functions or not os.path.isfile(args.functions):
            shared = os.path.dirname(os.path.dirname(args.functions or "shared/api/x"))
            if not ok:
                return 1
            if args.check:
                print("SKIP: ../shared not found")
                print("(no %s: the coverage document was not checked)" % (args.functions or
                                                                          "--functions"))
            else:
                print("error: %s not found (shared directory %s): %s not regenerated"
                      % (args.functions or "--functions", shared or ".", COVERAGE))
            return EXIT_SKIP

        targets = load_targets(args.functions)
        coverage, extra = render_coverage(funcs, targets)
        write(os.path.join(args.out_dir, COVERAGE), coverage)
        for f in extra:
            print("warning: %s.%s is registered but not in %s"
                  % (f.namespace, f.name, args.functions), file=sys.stderr)
        if not args.check:
            print("wrote %s (%d of %d target functions implemented)"
                  % (os.path.join(args.out_dir, COVERAGE),
                     len({(f.namespace, f.name) for f in funcs}
                         & {(t.namespace, t.name) for t in targets}),
                     len({(t.namespace, t.name) for t in targets})))
        else:
            ok = check_drift(COVERAGE, coverage, args.check) and ok
        return 0 if ok else 1
    except (InputError, OSError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
