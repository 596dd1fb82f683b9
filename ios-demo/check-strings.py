#!/usr/bin/env python3
"""Checks the iOS app's Localizable.strings files, which cannot be compiled here (no Xcode).

    check-strings.py RESOURCES_DIR

- each file parses as a strings file (every entry `"key" = "value";`, no key twice);
- every language (es, fr, pt, ar) has exactly English's keys — plus, for a core phrase with a
  count, the extra plural forms its language has (`phrase.<code>.zero|two|few|many`);
- each value keeps English's printf placeholders (%@, %lld, %.1f…); `{name}` placeholders of
  the core's phrases are ones English has (a singular form may leave out `{count}`).
Prints each problem and exits 1 when there is any.
"""
import pathlib
import re
import sys

LANGUAGES = ["es", "fr", "pt", "ar"]
ENTRY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)"\s*;')
PRINTF = re.compile(r"%(?:\d+\$)?[-+ 0#]*\d*(?:\.\d+)?(?:ll|l|h)?[@dDuUxXoOfeEgGcCsSp]")
NAMED = re.compile(r"\{[a-z_]+\}")
EXTRA_PLURAL = re.compile(r"^(phrase\..+)\.(zero|two|few|many)$")
problems = []


def load(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    entries, rest, end = {}, [], 0
    for m in ENTRY.finditer(text):
        rest.append(text[end:m.start()])
        end = m.end()
        if m.group(1) in entries:
            problems.append(f"{path}: {m.group(1)} twice")
        entries[m.group(1)] = m.group(2)
    rest.append(text[end:])
    leftover = "".join(rest).strip()
    if leftover:
        problems.append(f"{path}: not a strings entry: {leftover[:60]!r}")
    return entries


def printf(value):
    return sorted(re.sub(r"^%\d+\$", "%", p) for p in PRINTF.findall(value.replace("%%", "")))


def main():
    res = pathlib.Path(sys.argv[1])
    en = load(res / "en.lproj/Localizable.strings")
    for lang in LANGUAGES:
        path = res / f"{lang}.lproj/Localizable.strings"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        table = load(path)
        for key in sorted(set(en) - set(table)):
            problems.append(f"{lang}: no {key}")
        for key, value in table.items():
            base = key
            extra = EXTRA_PLURAL.match(key)
            if key not in en:
                if extra and f"{extra.group(1)}.other" in en:
                    base = f"{extra.group(1)}.other"
                else:
                    problems.append(f"{lang}: {key} is not in English")
                    continue
            if printf(value) != printf(en[base]):
                problems.append(f"{lang}: {key} has {printf(value)}, English {printf(en[base])}")
            english_named = set(NAMED.findall(en[base]))
            if key.startswith("phrase."):
                other = re.sub(r"\.(zero|one|two|few|many|other)$", ".other", base)
                english_named |= set(NAMED.findall(en.get(other, "")))
                if not set(NAMED.findall(value)) <= english_named:
                    problems.append(f"{lang}: {key} names {sorted(set(NAMED.findall(value)) - english_named)}")
            elif set(NAMED.findall(value)) != english_named:
                problems.append(f"{lang}: {key} has {sorted(NAMED.findall(value))}, English {sorted(english_named)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
