"""en_core_web_sm's attribute_ruler (tag -> part of speech and morphology, and its exceptions),
matched by a lookup per distinct token instead of spaCy's Matcher.

Why: the Matcher tries all 179 of the model's patterns at every token, about 18 µs a token,
a sixth of the whole pipeline's time in `compare`. Every pattern reads only a token's own
LOWER, TAG, DEP and IS_SPACE (and, for eight two-token patterns, its neighbour's), so which
patterns a token matches is a function of those four values, worked out once per distinct
combination. The result is the same as the ruler's (tests/test_language.py compares them
token by token): patterns are matched against the tokens as they were before any is applied,
and a token matched by several gets their attributes in the order of the patterns, so later
patterns win, as in `AttributeRuler.match`.

A ruler whose patterns read other attributes or use other operators is left as it is.
"""

from __future__ import annotations

import re

_KEY_ATTRS = ("LOWER", "TAG", "DEP", "IS_SPACE")
_MAX_KEYS = 100_000  # distinct tokens remembered, about 33 MB (330 bytes each)


def _spec_test(spec):
    """A function of a value that says whether `spec` (a Matcher token-pattern value) holds."""
    if isinstance(spec, (str, bool)):
        return lambda value: value == spec
    if isinstance(spec, dict) and len(spec) == 1:
        (op, arg), = spec.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda value: value in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda value: value not in banned
        if op == "REGEX":
            pattern = re.compile(arg)
            return lambda value: pattern.search(value) is not None
    return None


def _token_tests(token_pattern: dict):
    """(test of LOWER or None, [(index in (TAG, DEP, IS_SPACE), test), ...]) for one Matcher token
    pattern, or None when the pattern reads anything else."""
    lower_test, others = None, []
    for attr, spec in token_pattern.items():
        test = _spec_test(spec)
        if attr not in _KEY_ATTRS or test is None:
            return None
        if attr == "LOWER":
            lower_test = test
        else:
            others.append((_KEY_ATTRS.index(attr) - 1, test))
    return lower_test, others


class KeyedAttributeRuler:
    """Stands in for the pipeline's `attribute_ruler` pipe (see the module docstring).

    Two caches: the patterns a (TAG, DEP, IS_SPACE) combination allows, with what each still asks of
    LOWER (a few hundred combinations occur); and the patterns each whole key matches. A token of a
    word not met before then costs a few tests of its LOWER, not all 179 patterns."""

    def __init__(self, ruler):
        self.ruler = ruler
        self.rules = []  # (rule number, pattern length, index of the token the attributes go to)
        self.tests = []  # (rule, position, LOWER test or None, tests of (TAG, DEP, IS_SPACE))
        for number, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                rule = len(self.rules)
                self.rules.append((number, len(pattern), entry["index"]))
                for position, token_pattern in enumerate(pattern):
                    tests = _token_tests(token_pattern)
                    if tests is None:
                        raise ValueError(f"attribute_ruler pattern {pattern!r} reads more than {_KEY_ATTRS}")
                    self.tests.append((rule, position, *tests))
        self._allowed: dict[tuple, list] = {}  # (tag, dep, is_space) -> [(rule, position, LOWER test), ...]
        self._matches: dict[tuple, tuple] = {}  # token key -> ((rule, position), ...) it satisfies

    def _allowed_by(self, rest: tuple, strings) -> list:
        allowed = self._allowed.get(rest)
        if allowed is None:
            tag, dep, is_space = rest
            values = (strings[tag], strings[dep], bool(is_space))
            allowed = [(rule, position, lower_test) for rule, position, lower_test, others in self.tests
                       if all(test(values[i]) for i, test in others)]
            self._allowed[rest] = allowed
        return allowed

    def _matches_of(self, key: tuple, strings) -> tuple:
        found = self._matches.get(key)
        if found is None:
            lower = strings[key[0]]
            found = tuple(sorted((rule, position) for rule, position, lower_test in self._allowed_by(key[1:], strings)
                                 if lower_test is None or lower_test(lower)))
            if len(self._matches) >= _MAX_KEYS:  # a long-running process meets ever more words
                self._matches.clear()
            self._matches[key] = found
        return found

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        from spacy.tokens._retokenize import set_token_attrs

        strings = doc.vocab.strings
        keys = doc.to_array([LOWER, TAG, DEP, IS_SPACE]).tolist() if len(doc) else []
        matched = [self._matches_of(tuple(key), strings) for key in keys]
        targets: dict[int, list[int]] = {}  # token -> numbers of the rules that set its attributes
        for start, token_matches in enumerate(matched):
            for rule, position in token_matches:
                if position:
                    continue
                number, length, index = self.rules[rule]
                end = start + length
                if end > len(doc) or any((rule, p) not in matched[start + p] for p in range(1, length)):
                    continue
                target = (start if index >= 0 else end) + index
                if start <= target < end:  # AttributeRuler raises on an index outside its span
                    targets.setdefault(target, []).append(number)
        for target, numbers in targets.items():
            token = doc[target]
            for number in sorted(set(numbers)):
                set_token_attrs(token, self.ruler.attrs[number])
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


def use_keyed_rules(nlp):
    """`nlp` with its attribute_ruler replaced, under the same name, by a KeyedAttributeRuler of
    the same patterns; unchanged where it has none or its patterns read what the lookup does not."""
    from .language import swap_pipe

    if "attribute_ruler" not in nlp.pipe_names:
        return nlp
    try:
        swap_pipe(nlp, "attribute_ruler", "storydiff_keyed_attribute_ruler", KeyedAttributeRuler)
    except ValueError:  # a pattern the lookup cannot read: keep spaCy's ruler
        pass
    return nlp
