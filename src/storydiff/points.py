"""Pairwise verdicts gathered into points: one card per thing the sources say, however many say it.

The judge decides pairs of articles. With three or more sources one fact
comes back as many verdicts: five reports of a quake give "five injured"
against "three injured" once per pair of sources that disagree, and "a 5.6
magnitude earthquake" agrees ten times. A reader wants that as one conflict
with every source's reading, and one agreement with every source's sentence.

Grouping is by stars, not by connected components: in a 21-report story the
agreements chain ("checks into rehab" ~ "checks into Betty Ford" ~ "leaves
Betty Ford") into one blob of 178 pairs that says nothing. A point is a hub
(the evidence with most verdicts of its family left), the evidence it is
judged against directly, and evidence judged only against two or more of
those; the verdicts among those members come with it.
Two verdicts belong to the same family when they would be read together: the
same conflict kind, any agreement (agree or compatible), or unclear.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from .model import Evidence, Verdict

_FIGURE_KINDS = ("figure", "duration", "time")


def family(verdict: Verdict) -> tuple | None:
    """Which verdicts may share a point with this one; None for only-in verdicts (they stand alone)."""
    if verdict.label == "conflict":
        return ("conflict", verdict.conflict_kind or "other")
    if verdict.label in ("agree", "compatible"):
        return ("agreement",)
    if verdict.label == "unclear":
        return ("unclear",)
    return None


def evidence_key(verdict: Verdict, evidence: Evidence) -> tuple:
    """What one side of a verdict is about: its sentence, and for figures which figure in it.

    A sentence can hold two figures ("killing seven and injuring 40"); two
    conflicts about different figures of one sentence are two points.
    """
    figure_like = verdict.conflict_kind in _FIGURE_KINDS or (verdict.label in ("agree", "compatible")
                                                            and evidence.highlights)
    spans = tuple(sorted((s.start, s.end) for s in evidence.highlights)) if figure_like else ()
    return (evidence.article_id, evidence.claim_id, spans)


def group_verdicts(verdicts: list[Verdict] | tuple[Verdict, ...]) -> list[list[int]]:
    """Indices of `verdicts` gathered into points, each point's verdicts in their given order.

    Every verdict with a family lands in exactly one point; points come in
    the order of their first verdict. Only-in verdicts are left out.
    """
    remaining: dict[tuple, set[int]] = defaultdict(set)  # (family, evidence key) -> verdicts left
    keys_of: dict[int, list[tuple]] = {}
    for i, verdict in enumerate(verdicts):
        fam = family(verdict)
        if fam is None or len(verdict.evidence) < 2:
            continue
        keys_of[i] = [(fam, evidence_key(verdict, e)) for e in verdict.evidence]
        for key in keys_of[i]:
            remaining[key].add(i)
    order = {key: min(ids) for key, ids in remaining.items()}  # ties go to the earliest evidence
    heap = [(-len(ids), order[key], key) for key, ids in remaining.items()]
    heapq.heapify(heap)
    points: list[list[int]] = []
    while heap:
        degree, _, hub = heapq.heappop(heap)
        if -degree != len(remaining[hub]):  # stale: some of its verdicts went to other points
            if remaining[hub]:
                heapq.heappush(heap, (-len(remaining[hub]), order[hub], hub))
            continue
        members = {hub} | {k for i in remaining[hub] for k in keys_of[i]}
        # A sentence judged against two or more members and nothing else says what the hub says (the
        # near-copy of the hub's report, say): it joins. One link would let a chain back in.
        outside = Counter(k for m in members for i in remaining[m] for k in keys_of[i]
                                      if k not in members)
        members |= {k for k, links in outside.items() if links >= 2 and links == len(remaining[k])}
        point = sorted({i for k in members for i in remaining[k] if all(m in members for m in keys_of[i])})
        for i in point:
            for key in keys_of[i]:
                remaining[key].discard(i)
        points.append(point)
    return sorted(points, key=lambda p: p[0])
