"""all-MiniLM-L6-v2 exported to ONNX: the same vectors as sentence-transformers, faster, no torch at run time.

The packaged safetensors weights are exported to ONNX once (needs torch, about
two seconds) into the cache folder; later runs load only the runtime and the
tokenizer. Mean pooling and L2 normalisation follow the model's own
sentence-transformers config.

Two runtimes read the file. ONNX Runtime computes in fp32. OpenVINO (the
default for compare) computes the matrix products in bfloat16 on CPUs that
have native bf16 instructions (AVX512-BF16 or AMX), about 1.7x less CPU than
fp32 on this project's machine, and in fp32 elsewhere: bf16 on other CPUs is
emulated and slower. bf16 vectors are fp32's to a cosine of 0.9999 or more
(max 1e-4 per dimension, also between a text alone and in a batch); none of
the bench pairs' verdicts moved (docs/benchmarks.md). The embedder's name says
"@bf16" when it runs so, and that name is recorded with every result.

`quantized=True` runs an int8 copy (weights quantised per output channel,
made once from the fp32 export): about 2.3x less CPU, cosine to the fp32
vectors 0.987 or more on news leads. Its activations are quantised per input
tensor, so a text's vector would depend on what else is in its batch; it
therefore encodes one text at a time, which keeps vectors reproducible (and
on CPU costs nothing: short leads pad less).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import numpy as np

from ..errors import ModelUnavailableError, SettingsError

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length


def cache_dir() -> Path:
    root = os.environ.get("STORYDIFF_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "storydiff"
    )
    return Path(root) / "models"


def _fingerprint(model_dir: Path) -> str:
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    return hashlib.sha256(f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Export the transformer to ONNX (fp32, dynamic batch and length)."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as err:
        raise ModelUnavailableError(f"exporting {model_dir} to ONNX needs torch and transformers: {err}") from err

    model = AutoModel.from_pretrained(str(model_dir)).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones((1, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # two first runs at once each write their own
    with warnings.catch_warnings():  # tracer chatter about shapes that are dynamic axes anyway
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(model), (ids, ids, torch.zeros_like(ids)), str(partial),
            input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names + ["last_hidden_state"]},
            opset_version=17, dynamo=False,
        )
    partial.replace(target)  # atomic: a killed export never leaves a broken model behind
    return target


def quantize_onnx(source: Path, target: Path) -> Path:
    """An int8 copy of `source`, one scale per output channel (one per tensor lost too much: cosine 0.89)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    root = logging.getLogger()
    handlers = list(root.handlers)
    logging.disable(logging.WARNING)  # its advice to pre-process the graph, logged on the root logger
    try:
        quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
        root.handlers[:] = handlers  # that log call also installs a root handler; take it away again
    partial.replace(target)
    return target


RUNTIMES = ("openvino", "onnxruntime")


def _onnxruntime_session(onnx_path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    # Idle pool threads that spin burn the cores spaCy, Python and other processes need:
    # on the shared 2-core machine an encode took a third less wall time without spinning.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


class OpenVinoSession:
    """The ONNX file compiled by OpenVINO for the CPU, called like an ONNX Runtime session.

    The compiled model is kept beside the ONNX file (about 0.3 s of every later start); it is
    written to a temporary name and renamed, so a process starting meanwhile never reads half a
    file. OpenVINO's own CACHE_DIR writes in place.
    """

    def __init__(self, onnx_path: Path, threads: int):
        import openvino as ov

        core = ov.Core()
        # Native bf16 only: on a CPU without it OpenVINO would emulate bf16, slower than fp32.
        self.bf16 = "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        self.onnx_path = onnx_path
        config = {"INFERENCE_PRECISION_HINT": "bf16" if self.bf16 else "f32",
                  "INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"}
        key = f"{ov.get_version()}|{core.get_property('CPU', 'FULL_DEVICE_NAME')}|{sorted(config.items())}"
        compiled = onnx_path.with_name(f"{onnx_path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.ov")
        self.model = None
        if compiled.exists():
            try:
                self.model = core.import_model(compiled.read_bytes(), "CPU", config)
            except Exception:  # a file from an older OpenVINO, or damaged: compile again
                self.model = None
        if self.model is None:
            self.model = core.compile_model(str(onnx_path), "CPU", config)
            partial = compiled.with_name(f"{compiled.name}.{os.getpid()}.partial")
            try:
                partial.write_bytes(self.model.export_model().getvalue())  # a BytesIO, despite its docs
                partial.replace(compiled)
            except OSError:  # a read-only cache folder: compile again next time
                partial.unlink(missing_ok=True)
        self.request = self.model.create_infer_request()
        self.output = self.model.output(0)

    def run(self, _output_names, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        return [self.request.infer(feed)[self.output]]


class OnnxEmbedder:
    def __init__(self, model_dir: Path, name: str, batch_size: int = 32, threads: int | None = None,
                 quantized: bool = False, runtime: str = "onnxruntime"):
        if runtime not in RUNTIMES:
            raise SettingsError(f"unknown [embedder] runtime {runtime!r}; valid: {', '.join(RUNTIMES)}")
        try:
            from tokenizers import Tokenizer

            if runtime == "openvino":
                import openvino  # noqa: F401
            else:
                import onnxruntime  # noqa: F401
        except ImportError as err:
            raise ModelUnavailableError(f"{runtime}/tokenizers are not installed ({err}); run `make install`") from err
        onnx_path = cache_dir() / f"minilm-{_fingerprint(model_dir)}.onnx"
        if not onnx_path.exists():
            export_onnx(model_dir, onnx_path)
        if quantized:
            int8_path = onnx_path.with_name(f"{onnx_path.stem}-int8.onnx")
            if not int8_path.exists():
                quantize_onnx(onnx_path, int8_path)
            onnx_path, batch_size = int8_path, 1
        threads = threads or min(4, os.cpu_count() or 1)
        if runtime == "openvino":
            self.session = OpenVinoSession(onnx_path, threads)
            name += "@bf16" if self.session.bf16 else ""
        else:
            self.session = _onnxruntime_session(onnx_path, threads)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # encode() pads each batch itself (tokenizer.json may ask for padding)
        self.name = name
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        tokens = [e.ids for e in self.tokenizer.encode_batch(texts)]
        for batch in length_batches([len(t) for t in tokens], self.batch_size):
            ids = np.zeros((len(batch), max(len(tokens[i]) for i in batch)), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros_like(ids)
            for row, i in enumerate(batch):
                ids[row, : len(tokens[i])] = tokens[i]
                mask[row, : len(tokens[i])] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[batch] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return out


def length_batches(lengths: list[int], max_size: int, spread: float = 1.25) -> list[list[int]]:
    """Indices in batches of at most `max_size` whose token counts are within `spread` of each other.

    Every text in a batch is padded to the longest, and padding is work thrown
    away: fixed batches of 32 by length still padded a compare's texts by 35-85%
    (one long quote pads a batch of short sentences); this keeps it near 10%.
    A text's vector does not depend on its batch (padding is masked).
    """
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if batches and len(batches[-1]) < max_size and lengths[i] <= spread * lengths[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches
