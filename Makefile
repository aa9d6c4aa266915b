# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test browser bench bench-scale bench-growth bench-reopen train-judge train-xenc train-xenc-edits eval install clean

$(STAMP): pyproject.toml setup.py src/storydiff/nlp/_held_parse.pyx
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the local CPU wheel, not a CUDA download.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/storydiff compare examples/gaza-talks/aljazeera.txt examples/gaza-talks/rewrite.txt

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The web tests drive Debian's Chromium; install it when we can, else they skip with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "chromium not found and cannot be installed here: browser tests will be skipped"; fi; }

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	# the consistency judge: claim pairs/s and seconds per SummEdits pair (docs/evaluation.md, Speed)
	$(BIN)/python scripts/bench_judge.py --limit 20

# Scale-out: per-stage costs, Ray at 1 and 2 workers, clustering at 10k-200k articles (docs/scale.md),
# then `add` into one growing corpus (docs/benchmarks.md).
bench-scale: $(STAMP) bench-growth
	$(BIN)/python benchmarks/scale.py

# `add` time at 10k and 30k articles (about 15 minutes); GROWTH_SIZES=10000,30000,100000 adds 100k
# (about 35 minutes on an idle 2-core machine, an hour under load). docs/benchmarks.md has the figures.
bench-growth: $(STAMP)
	$(BIN)/python benchmarks/growth.py

# A new process adding 64 articles to a 5k and a 10k corpus, with the saved ANN index and with it
# rebuilt (about 10 minutes, mostly filling the corpus; REOPEN_ARGS="--sizes 20000" for more).
bench-reopen: $(STAMP)
	$(BIN)/python benchmarks/reopen.py $(REOPEN_ARGS)

# Trains the default judge's small learned model on ../shared/data (summedits-other-train and the four
# SummaC val files; never summedits-news-dev) and prints each SummaC file's leave-one-file-out score.
# TRAIN_JUDGE_ARGS="--read-cache ../main/build/eval-cache" reads analyses made elsewhere.
train-judge: $(STAMP)
	$(BIN)/python scripts/train_judge.py --lofo-out build/judge-lofo.json $(TRAIN_JUDGE_ARGS)

# Experimental, not shipped: fine-tunes a MiniLM cross-encoder judge (a GPU for minutes; hours on CPU).
train-xenc: $(STAMP)
	$(BIN)/python scripts/train_xenc.py --device $${XENC_DEVICE:-cuda}

# Experimental, not shipped: the same, supervised by SummEdits' minimal edits (docs/evaluation.md).
train-xenc-edits: $(STAMP)
	$(BIN)/python scripts/train_xenc_edits.py --device $${XENC_DEVICE:-cuda}

# Scores the default judge on the evaluation files; see docs/evaluation.md.
# The shipped judge is trained on the SummaC val files, so only the dev file is scored here; their
# scores come from leave-one-file-out models (make train-judge, docs/evaluation.md).
eval: $(STAMP)
	$(BIN)/storydiff eval consistency ../shared/data/consistency/summedits-news-dev.jsonl \
		--cache-dir build/eval-cache

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
