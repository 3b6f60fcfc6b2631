#!/usr/bin/env python3
"""vendor/ re-created from the published crates and baogao's patches.

    python3 tools/vendor.py             # write vendor/<crate>/ for every crate
    python3 tools/vendor.py --check     # vendor/ is exactly upstream + patches (CI)
    python3 tools/vendor.py --try krilla@0.8.3
                                        # apply krilla's patches to another release

Each patched crate is listed in vendor/patches/crates.txt (`name version`),
with its patches in vendor/patches/<name>/, applied in the order of their
names (`01-….patch`, `02-….patch`, numbered as in vendor/<name>/BAOGAO.md).
The published crate comes from the registry through cargo itself (`cargo
fetch` of a throw-away manifest that depends on exactly that release), so
nothing but cargo's own client reaches the network. Patches are applied with
`git apply`, which refuses a patch that does not fit exactly: a conflict
stops the run, naming the patch and the file, and leaves vendor/ as it was.

vendor/<name>/ is the published crate with the patches applied, without its
Cargo.lock (cargo ignores a path dependency's lock file), plus baogao's own
BAOGAO.md and LICENSE-APACHE, which this script keeps as they are.
"""
import argparse
import filecmp
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor"
PATCHES = VENDOR / "patches"
OURS = {"BAOGAO.md", "LICENSE-APACHE"}
DROPPED = {"Cargo.lock"}


def crates():
    """(name, version) of every patched crate."""
    out = []
    for line in (PATCHES / "crates.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split()
            out.append((name, version))
    return out


def published(name, version, work):
    """The published crate's files, unpacked into `work`/name-version."""
    project = work / "fetch"
    (project / "src").mkdir(parents=True, exist_ok=True)
    (project / "src" / "lib.rs").write_text("")
    (project / "Cargo.toml").write_text(
        f'[package]\nname = "baogao-vendor-fetch"\nversion = "0.0.0"\nedition = "2021"\n\n'
        f'[dependencies]\n{name} = "={version}"\n')
    subprocess.run(["cargo", "fetch", "--quiet", "--manifest-path", str(project / "Cargo.toml")], check=True)
    home = pathlib.Path(os.environ.get("CARGO_HOME", pathlib.Path.home() / ".cargo"))
    found = sorted((home / "registry" / "cache").glob(f"*/{name}-{version}.crate"))
    if not found:
        sys.exit(f"cargo fetched {name} {version}, but its .crate is not in {home / 'registry' / 'cache'}")
    with tarfile.open(found[0]) as archive:
        archive.extractall(work, filter="data")
    return work / f"{name}-{version}"


def patched(name, version, work):
    """The published crate with the patches applied, in `work`."""
    tree = published(name, version, work)
    for patch in sorted((PATCHES / name).glob("*.patch")):
        result = subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch)], cwd=tree,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{patch.relative_to(ROOT)} does not apply to {name} {version}:\n{result.stderr}")
    for dropped in DROPPED:
        (tree / dropped).unlink(missing_ok=True)
    return tree


def files(tree):
    """The files of a crate's tree, relative, without baogao's own."""
    return sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file() and p.name not in OURS)


def differences(tree, vendored):
    """How `vendored` differs from `tree`, one line each."""
    expected, actual = files(tree), files(vendored) if vendored.exists() else []
    out = [f"missing: {f}" for f in sorted(set(expected) - set(actual))]
    out += [f"not from upstream or a patch: {f}" for f in sorted(set(actual) - set(expected))]
    out += [f"differs: {f}" for f in expected if f in actual and not filecmp.cmp(tree / f, vendored / f, shallow=False)]
    return out


def write(tree, vendored):
    """Replaces `vendored` with `tree`, keeping baogao's own files."""
    keep = {name: (vendored / name).read_bytes() for name in OURS if (vendored / name).exists()}
    staged = vendored.with_name(vendored.name + ".new")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(tree, staged)
    for name, data in keep.items():
        (staged / name).write_bytes(data)
    if vendored.exists():
        shutil.rmtree(vendored)
    staged.rename(vendored)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare vendor/ with upstream + patches")
    parser.add_argument("--try", dest="attempt", metavar="NAME@VERSION",
                        help="apply NAME's patches to another release, in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        if args.attempt:
            name, version = args.attempt.split("@")
            tree = patched(name, version, tmp)
            kept = ROOT / "target" / f"vendor-try-{name}-{version}"
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(tree, kept)
            print(f"every patch of {name} applies to {version}: {kept.relative_to(ROOT)} (build and test it there)")
            return
        failed = False
        for name, version in crates():
            tree = patched(name, version, tmp / name)
            if args.check:
                problems = differences(tree, VENDOR / name)
                failed |= bool(problems)
                print(f"vendor/{name}: " + ("upstream + patches" if not problems else "DIFFERS"))
                for problem in problems:
                    print(f"  {problem}")
            else:
                write(tree, VENDOR / name)
                print(f"vendor/{name}: {name} {version} + {len(list((PATCHES / name).glob('*.patch')))} patches")
        if failed:
            sys.exit("vendor/ is not the published crates with vendor/patches/ applied: "
                     "make the change a patch there, then run python3 tools/vendor.py")


if __name__ == "__main__":
    main()
