"""Write src/storydiff/nlp/wordnet_antonyms.txt: WordNet 3.0's direct antonyms of adjectives and adverbs.

Check's nearby-sentence rule (consistency._opposed_word, check v11) reads them besides the closed list
of nlp/opposites.py. Verbs and nouns are left out: their WordNet antonyms include pairs that tell one
fact from either side ("buy" / "sell", "give" / "take", "hide" / "show"), which a faithful summary may
use (docs/evaluation.md). No maintained PyPI package ships WordNet's data (NLTK downloads it at run
time), so the pairs are generated once from Debian's wordnet-base package and kept in the project,
with WordNet's licence notice:

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
    python scripts/wordnet_antonyms.py wn/usr/share/wordnet
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "storydiff" / "nlp" / "wordnet_antonyms.txt"
NOTICE = """\
# Direct antonyms of adjectives and adverbs from WordNet 3.0 (Debian package wordnet-base 1:3.0-37),
# one pair per line, single words only; written by scripts/wordnet_antonyms.py.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# Permission to use, copy, modify and distribute this software and database and its documentation for
# any purpose and without fee or royalty is hereby granted, provided that you agree to comply with the
# following copyright notice and statements, including the disclaimer, and that the same appear on ALL
# copies of the software, database and documentation, including modifications that you make for
# internal use or for distribution.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
# WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE
# OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS,
# COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
# The name of Princeton University or Princeton may not be used in advertising or publicity pertaining
# to distribution of the software and/or database. Title to copyright in this software, database and
# any associated documentation shall at all times remain with Princeton University and LICENSEE agrees
# to preserve same.
"""


def antonym_pairs(data_file: Path) -> set[tuple[str, str]]:
    """Pairs of words joined by an antonym pointer ("!") in one WordNet data file (data.adj, data.adv)."""
    synsets = {}
    for line in data_file.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        fields = line.split(" | ")[0].split()
        count = int(fields[3], 16)
        pos = "a" if fields[2] == "s" else fields[2]  # adjective satellites point like adjectives
        synsets[(fields[0], pos)] = ([fields[4 + 2 * i].lower() for i in range(count)], fields)
    pairs = set()
    for words, fields in synsets.values():
        at = 4 + 2 * len(words)
        for _ in range(int(fields[at])):
            symbol, offset, pos, source_target = fields[at + 1:at + 5]
            at += 4
            target = synsets.get((offset, "a" if pos == "s" else pos))
            if symbol != "!" or target is None:
                continue
            a = words[int(source_target[:2], 16) - 1].split("(")[0]  # "big(a)": a syntactic marker
            b = target[0][int(source_target[2:], 16) - 1].split("(")[0]
            if not any(c in a + b for c in "_-"):  # single words: claims hold lemmas of single words
                pairs.add(tuple(sorted((a, b))))
    return pairs


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    root = Path(argv[0])
    pairs = antonym_pairs(root / "data.adj") | antonym_pairs(root / "data.adv")
    OUT.write_text(NOTICE + "".join(f"{a} {b}\n" for a, b in sorted(pairs)), encoding="utf-8")
    print(f"wrote {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
