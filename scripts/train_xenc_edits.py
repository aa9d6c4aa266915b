"""Fine-tune the consistency cross-encoder on SummEdits' minimal edits: sentence-level supervision.

The first attempt (scripts/train_xenc.py) had one label per derived text and
learned the domain of the text, not whether the source supports it. But
summedits-other-train.jsonl is built from minimal edits: each source has one
seed summary (id ending `_og`, always consistent) and about 27 copies of it
with a few words changed, labelled consistent (a paraphrase) or not (a swapped
entity, an antonym, an inserted fact, a negation). Comparing each row with its
seed tells which of its sentences were edited, so

- a sentence the same as the seed's is supported (label 1);
- an edited sentence of a consistent row is a supported paraphrase (label 1);
- the edited sentences of an inconsistent row hold the error (label 0 for the
  weakest of them: when two were edited, one may be harmless).

The model reads `[CLS] sentence [SEP] the source sentences that share most
words with it, in source order [SEP]` and is trained with a class-balanced
logistic loss plus a pairwise term: an edited, inconsistent sentence must
score below the seed sentence it was made from (same source, same context
budget), which forces the model to look at the changed words.

Trains ON summedits-other-train.jsonl ONLY. The configuration is chosen on a
held-out quarter of its sources; then out-of-fold logits for every training
row (to stack with the rule features), then a model on all rows, which scores
the files given with --score (logits only; reported scores come from eval).

    python scripts/train_xenc_edits.py [--device cuda] [--limit N] [--score FILE ...]
"""

from __future__ import annotations

import argparse
import collections
import difflib
import hashlib
import importlib.util
import json
import math
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 13
FOLDS = 4
MAX_TOKENS = 320  # sentence + retrieved context; SummEdits sentences are short
CONFIGS = {  # chosen on the held-out quarter of the training file
    "r16-pair": {"rank": 16, "alpha": 32, "lr": 4e-4, "epochs": 6, "pair_weight": 1.0},
    "r32-pair-e10": {"rank": 32, "alpha": 64, "lr": 3e-4, "epochs": 10, "pair_weight": 1.0},
    "r64-pair-e8": {"rank": 64, "alpha": 128, "lr": 2e-4, "epochs": 8, "pair_weight": 1.0},
}
UNITS_PER_BATCH = 32

_spec = importlib.util.spec_from_file_location("train_xenc", ROOT / "scripts" / "train_xenc.py")
base = sys.modules["train_xenc"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)
xenc = base.xenc
log = base.log

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the a an and or of to in on at for by with from as is are was were be been it its this that "
                  "these those he she they we you i his her their our your has have had will would can could "
                  "not no but if so than then there which who whom what when where how also about into over "
                  "after before said says".split())


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def source_sentences(source: str) -> list[str]:
    """Lines first (dialogues and transcripts put one turn on a line), then sentences within them."""
    return [s for line in source.splitlines() if line.strip() for s in xenc.split_sentences(line)]


class Context:
    """Picks, for a derived sentence, the source sentences that share the rarest words with it."""

    def __init__(self, tokenizer, source: str):
        self.sentences = source_sentences(source) or [source]
        self.tokens = [tokenizer.encode(s, add_special_tokens=False).ids for s in self.sentences]
        self.words = [set(words(s)) for s in self.sentences]
        df = collections.Counter(w for ws in self.words for w in ws)
        n = len(self.sentences)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}

    def ids(self, sentence: str, budget: int) -> list[int]:
        wanted = set(words(sentence))
        scores = [sum(self.idf[w] for w in ws & wanted) for ws in self.words]
        chosen, used = [], 0
        for i in sorted(range(len(scores)), key=lambda i: -scores[i]):
            if used + len(self.tokens[i]) > budget:
                if not chosen:  # one long sentence: cut it rather than give no context
                    chosen.append(i)
                break
            chosen.append(i)
            used += len(self.tokens[i])
        return [t for i in sorted(chosen) for t in self.tokens[i]][:budget]


def edited_sentences(row_sentences: list[str], seed_sentences: list[str]) -> tuple[list[bool], list[int]]:
    """Which of a row's sentences were edited from the seed summary, and the seed sentences they replace."""
    edited, replaced = [False] * len(row_sentences), []
    matcher = difflib.SequenceMatcher(a=seed_sentences, b=row_sentences, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            edited[b0:b1] = [True] * (b1 - b0)
            replaced.extend(range(a0, a1))
    return edited, replaced


class Data:
    """Rows -> encoded sentence items, and the units the loss and the scores pool over."""

    def __init__(self, tokenizer, rows: list[dict]):
        cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        contexts: dict[str, Context] = {}
        item_of: dict[tuple[str, str], int] = {}
        self.ids: list[list[int]] = []
        self.types: list[list[int]] = []
        self.row_items: list[list[int]] = []  # every sentence of the row: how a text is scored
        self.units: list[tuple[list[int], float, list[int]]] = []  # (items, label, seed items to outrank)
        self.unit_row: list[int] = []
        seeds = {r["id"].rsplit("_", 1)[0]: r for r in rows if r["id"].endswith("_og")}

        def item(source: str, sentence: str) -> int:
            key = (source, sentence)
            if key not in item_of:
                if source not in contexts:
                    contexts[source] = Context(tokenizer, source)
                hyp = tokenizer.encode(sentence, add_special_tokens=False).ids[:xenc.MAX_SENTENCE_TOKENS]
                ctx = contexts[source].ids(sentence, MAX_TOKENS - len(hyp) - 3)
                item_of[key] = len(self.ids)
                self.ids.append([cls, *hyp, sep, *ctx, sep])
                self.types.append([0] * (len(hyp) + 2) + [1] * (len(ctx) + 1))
            return item_of[key]

        for r_index, row in enumerate(rows):
            sentences = xenc.split_sentences(row["derived"])
            items = [item(row["source"], s) for s in sentences]
            self.row_items.append(items)
            seed = seeds.get(row["id"].rsplit("_", 1)[0])
            if seed is None or seed is row:
                edited = [False] * len(sentences)
                seed_items = []
            else:
                seed_sentences = xenc.split_sentences(seed["derived"])
                edited, replaced = edited_sentences(sentences, seed_sentences)
                seed_items = [item(seed["source"], seed_sentences[j]) for j in replaced]
            changed = [i for i, e in zip(items, edited) if e]
            if row["consistent"]:
                for i, e in zip(items, edited):
                    if e or seed is row or seed is None:
                        self.units.append(([i], 1.0, []))
                        self.unit_row.append(r_index)
            elif changed:
                self.units.append((changed, 0.0, seed_items))
                self.unit_row.append(r_index)
            else:  # labelled inconsistent with no sentence changed (a reordering): the text as a whole
                self.units.append((items, 0.0, []))
                self.unit_row.append(r_index)


class Trainer(base.Trainer):
    def item_logits(self, bert, head, data: Data, items: list[int]):
        return self.sequence_logits(bert, head, [data.ids[i] for i in items], [data.types[i] for i in items])

    def fit(self, data: Data, unit_index, cfg: dict, seed: int = SEED):
        import torch

        bert, head = self.new_model(cfg, seed)
        unit_index = np.asarray(unit_index)
        params, optimiser, schedule = self.optimiser(bert, head, cfg, math.ceil(len(unit_index) / UNITS_PER_BATCH))
        rng = np.random.default_rng(seed)
        labels = np.array([data.units[u][1] for u in unit_index])
        positives = float(labels.mean())
        pos_weight = torch.tensor((1 - positives) / max(positives, 1e-6), device=self.device)
        bert.train()
        for epoch in range(cfg["epochs"]):
            start, losses = time.time(), []
            order = rng.permutation(unit_index)
            for b in range(0, len(order), UNITS_PER_BATCH):
                batch = [data.units[u] for u in order[b:b + UNITS_PER_BATCH]]
                items = sorted({i for unit in batch for i in unit[0] + unit[2]})
                where = {i: k for k, i in enumerate(items)}
                logits = self.item_logits(bert, head, data, items)
                unit_logits = torch.stack([logits[[where[i] for i in unit[0]]].min() for unit in batch])
                y = torch.tensor([unit[1] for unit in batch], device=self.device)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(unit_logits, y, pos_weight=pos_weight)
                pairs = [(k, unit) for k, unit in enumerate(batch) if unit[2]]
                if cfg["pair_weight"] and pairs:
                    # The seed sentences the edit replaced are supported: each must outrank the edit.
                    seed_logits = torch.stack([logits[[where[i] for i in unit[2]]].min() for _, unit in pairs])
                    edit_logits = unit_logits[[k for k, _ in pairs]]
                    loss = loss + cfg["pair_weight"] * torch.nn.functional.softplus(edit_logits - seed_logits).mean()
                losses.append(self.step(params, optimiser, schedule, loss))
            log(f"    epoch {epoch + 1}: loss {np.mean(losses):.4f} ({time.time() - start:.1f}s)")
        bert.eval()
        return bert, head

    def score(self, bert, head, data: Data, row_index=None) -> np.ndarray:
        """Row logits: the weakest sentence of each row."""
        import torch

        row_index = range(len(data.row_items)) if row_index is None else row_index
        needed = sorted({i for r in row_index for i in data.row_items[r]})
        item_logit = {}
        with torch.no_grad():
            for b in range(0, len(needed), 128):
                chunk = needed[b:b + 128]
                for i, v in zip(chunk, self.item_logits(bert, head, data, chunk).float().cpu().numpy()):
                    item_logit[i] = float(v)
        out = np.full(len(data.row_items), np.nan)
        for r in row_index:
            out[r] = min(item_logit[i] for i in data.row_items[r])
        return out


def sensitivity_check(trainer, bert, head) -> dict:
    """The check the first attempt failed: a source sentence against itself with a figure, place or day changed."""
    source = (ROOT / "examples" / "gaza-talks").glob("*.txt")
    text = next(iter(sorted(source))).read_text(encoding="utf-8")
    sentence = next(s for s in source_sentences(text) if re.search(r"\d", s) and len(s) > 60)
    number = re.search(r"\d[\d,]*", sentence).group()
    changed = sentence.replace(number, str(int(number.replace(",", "")) * 3 + 7), 1)
    rows = [{"id": "a_og", "source": text, "derived": sentence, "consistent": True},
            {"id": "a_1", "source": text, "derived": changed, "consistent": False}]
    data = Data(trainer.tokenizer, rows)
    logits = trainer.score(bert, head, data)
    return {"sentence": sentence, "changed": changed, "logits": [round(float(v), 4) for v in logits]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, default=None, help="model folder (default: the packaged MiniLM)")
    parser.add_argument("--data", type=Path, default=base.DATA)
    parser.add_argument("--score", type=Path, nargs="*", default=[], help="files to score with the final model")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "xenc-edits")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--limit", type=int, default=None, help="N rows spread over the file (a smoke test)")
    parser.add_argument("--config", choices=sorted(CONFIGS), default=None, help="skip the choice")
    parser.add_argument("--epochs", type=int, default=None, help="override every configuration's epochs")
    parser.add_argument("--folds", type=int, default=FOLDS)
    args = parser.parse_args(argv)
    if "train" not in args.data.name:
        parser.error(f"{args.data}: refusing to train on a file not named as training data")
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = base.read_rows(args.data)
    if args.limit:  # whole seed groups, so that edits keep their seed
        keep = sorted({r["id"].rsplit("_", 1)[0] for r in rows})[:: max(1, 138 * 28 // args.limit)]
        rows = [r for r in rows if r["id"].rsplit("_", 1)[0] in set(keep)]
    labels = np.array([bool(r["consistent"]) for r in rows])
    groups = np.array([hashlib.sha256(r["source"].encode()).hexdigest() for r in rows])
    trainer = Trainer(args.base or base.packaged_minilm(), args.device)
    data = Data(trainer.tokenizer, rows)
    unit_row = np.array(data.unit_row)
    log(f"{args.data.name}: {len(rows)} rows, {len(set(groups))} sources, {len(data.ids)} sentence items, "
        f"{len(data.units)} units ({sum(u[1] == 0 for u in data.units)} unsupported), device {args.device}")
    configs = {k: dict(v) for k, v in CONFIGS.items()}
    if args.epochs:
        for cfg in configs.values():
            cfg["epochs"] = args.epochs
    results = {"configs": configs, "held_out": {}, "seed": SEED}

    def units_of(row_index):
        wanted = np.zeros(len(rows), dtype=bool)
        wanted[row_index] = True
        return np.flatnonzero(wanted[unit_row])

    def fit_and_score(cfg, fit_index, score_index, seed):
        bert, head = trainer.fit(data, units_of(fit_index), cfg, seed=seed)
        return trainer.score(bert, head, data, score_index)

    chosen, oof = base.choose_and_cross_validate(configs, fit_and_score, labels, groups, chosen=args.config,
                                                 folds=args.folds, results=results, key="auc")
    cfg = configs[chosen]
    ba, threshold = base.balanced_accuracy(labels, oof)
    results["out_of_fold"] = {"balanced_accuracy": round(ba, 4), "auc": round(base.auc(labels, oof), 4),
                              "threshold": threshold}
    log(f"out-of-fold balanced accuracy {ba:.3f}, AUC {results['out_of_fold']['auc']:.3f}")
    (args.out / "oof.json").write_text(json.dumps({
        "about": "out-of-fold edit-trained cross-encoder logits for summedits-other-train (train_xenc_edits.py)",
        "config": chosen, "folds": args.folds, "seed": SEED,
        "logits": {r["id"]: round(float(v), 4) for r, v in zip(rows, oof)}}) + "\n")

    log("final model on all rows")
    bert, head = trainer.fit(data, np.arange(len(data.units)), cfg)
    arrays = xenc.adapter_arrays(bert, head, cfg["rank"], cfg["alpha"])
    arrays["threshold"] = np.array(threshold)
    arrays["max_tokens"] = np.array(MAX_TOKENS)
    np.savez_compressed(args.out / "judge_xenc_edits.npz", **arrays)
    results["sensitivity"] = sensitivity_check(trainer, bert, head)
    log(f"sensitivity: {results['sensitivity']['logits']} (seed sentence, figure changed)")
    results["scored"] = {}
    for path in args.score:
        scored = base.read_rows(path)
        logits = trainer.score(bert, head, Data(trainer.tokenizer, scored))
        name = path.name.split(".")[0]
        results["scored"][name] = {"logits": {r["id"]: round(float(v), 4) for r, v in zip(scored, logits)}}
        log(f"  scored {name}: {len(scored)} rows")
    results["seconds"] = round(time.time() - started, 1)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    log(f"done in {results['seconds']}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
