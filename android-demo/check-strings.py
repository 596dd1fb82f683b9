#!/usr/bin/env python3
"""Checks the Android app's string resources, which cannot be compiled here (no Android SDK).

    check-strings.py RES_DIR KOTLIN_SRC_DIR

- every R.string / R.plurals name the app's Kotlin uses exists in English (values/);
- every language (values-es, -fr, -pt, -ar) has exactly English's names (app_name may stay
  untranslated), and nothing more;
- each translation keeps its English text's placeholders (%1$s, %2$d…);
- plurals have the quantities the language needs (Arabic: zero, one, two, few, many, other);
- no unescaped apostrophe (aapt2 refuses them) and every file is well-formed XML.
Prints each problem and exits 1 when there is any.
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

LANGUAGES = {"es": {"one", "other"}, "fr": {"one", "other"}, "pt": {"one", "other"},
             "ar": {"zero", "one", "two", "few", "many", "other"}}
PLACEHOLDER = re.compile(r"%(?:\d+\$)?[-#+ 0,(]*\d*(?:\.\d+)?[a-zA-Z%]")
problems = []


def placeholders(text):
    return sorted(p for p in PLACEHOLDER.findall(text or "") if p != "%%")


def load(path):
    """{name: text} for strings, {name: {quantity: text}} for plurals."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        problems.append(f"{path}: not well-formed XML: {e}")
        return {}, {}
    strings, plurals = {}, {}
    for el in root:
        name = el.get("name")
        if el.tag == "string":
            strings[name] = el.text or ""
        elif el.tag == "plurals":
            plurals[name] = {item.get("quantity"): item.text or "" for item in el}
    for text in list(strings.values()) + [t for p in plurals.values() for t in p.values()]:
        if re.search(r"(?<!\\)'", text):
            problems.append(f"{path}: unescaped apostrophe (write \\'): {text[:60]}")
    return strings, plurals


def main():
    res, kotlin = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    en_strings, en_plurals = load(res / "values/strings.xml")
    used = set()
    for source in kotlin.rglob("*.kt"):
        used |= set(re.findall(r"R\.(?:string|plurals)\.([a-z_0-9]+)", source.read_text(encoding="utf-8")))
    for name in sorted(used - set(en_strings) - set(en_plurals)):
        problems.append(f"values/: the app uses {name}, which is not there")
    for lang, quantities in LANGUAGES.items():
        path = res / f"values-{lang}/strings.xml"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        strings, plurals = load(path)
        for name in sorted(set(en_strings) - {"app_name"} - set(strings)):
            problems.append(f"values-{lang}: no string {name}")
        for name in sorted(set(strings) - set(en_strings)):
            problems.append(f"values-{lang}: {name} is not in English")
        for name in sorted(set(en_plurals) - set(plurals)):
            problems.append(f"values-{lang}: no plurals {name}")
        for name, text in strings.items():
            if name in en_strings and placeholders(text) != placeholders(en_strings[name]):
                problems.append(f"values-{lang}: {name} has {placeholders(text)}, English {placeholders(en_strings[name])}")
        for name, items in plurals.items():
            if name not in en_plurals:
                problems.append(f"values-{lang}: plurals {name} is not in English")
                continue
            missing = quantities - set(items)
            if missing:
                problems.append(f"values-{lang}: plurals {name} lacks {sorted(missing)}")
            allowed = set(placeholders(en_plurals[name].get("other", "")))
            for quantity, text in items.items():
                if not set(placeholders(text)) <= allowed:
                    problems.append(f"values-{lang}: plurals {name}/{quantity} has {placeholders(text)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
