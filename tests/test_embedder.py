"""The packaged MiniLM on OpenVINO (bf16 where the CPU has it), on ONNX Runtime and on torch gives the
same vectors: to 1e-4 in fp32, to a cosine of 0.9999 in bf16."""

import numpy as np
import pytest

from storydiff.backends.embedder import get_embedder
from storydiff.errors import ModelUnavailableError, SettingsError
from storydiff.settings import load_settings

SENTENCES = [  # from examples/gaza-talks
    "The unscheduled talks on Tuesday evening lasted just over an hour, with no media access.",
    "The closed-door meeting lasted about two hours.",
    "Some 50 captives remain in Gaza, with 20 believed to be alive.",
]


@pytest.fixture(scope="module")
def onnx_vectors():
    return get_embedder(load_settings()).encode(SENTENCES)


def test_vectors_are_unit_length(onnx_vectors):
    assert onnx_vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def torch_vectors():
    settings = load_settings().with_overrides({"embedder": {"backend": "minilm-torch"}})
    return get_embedder(settings).encode(SENTENCES)


def test_onnx_runtime_matches_sentence_transformers(torch_vectors):
    settings = load_settings().with_overrides({"embedder": {"runtime": "onnxruntime"}})
    embedder = get_embedder(settings)
    assert "@" not in embedder.name  # fp32: the model's own vectors
    assert np.allclose(embedder.encode(SENTENCES), torch_vectors, atol=1e-4)


def test_openvino_default_stays_with_sentence_transformers(onnx_vectors, torch_vectors):
    from storydiff.backends.onnx_embedder import OpenVinoSession

    embedder = get_embedder(load_settings())
    assert isinstance(embedder.session, OpenVinoSession)
    # the name records bf16 exactly when it ran in bf16: results made so are told apart
    assert embedder.name.endswith("@bf16") == embedder.session.bf16
    assert np.einsum("ij,ij->i", onnx_vectors, torch_vectors).min() > 0.9999
    assert np.allclose(onnx_vectors, torch_vectors, atol=2e-3)


def test_unknown_runtime_lists_valid_ones():
    settings = load_settings().with_overrides({"embedder": {"runtime": "tensorrt"}})
    with pytest.raises(SettingsError, match="openvino, onnxruntime"):
        get_embedder(settings)


def test_paraphrase_is_closer_than_unrelated(onnx_vectors):
    meeting = onnx_vectors[0] @ onnx_vectors[1]
    unrelated = onnx_vectors[0] @ onnx_vectors[2]
    assert meeting > unrelated + 0.1


def test_order_of_inputs_does_not_change_vectors(onnx_vectors):
    reordered = get_embedder(load_settings()).encode(SENTENCES[::-1])
    assert np.allclose(reordered[::-1], onnx_vectors, atol=1e-5)


def test_unknown_backend_lists_valid_ones():
    settings = load_settings().with_overrides({"embedder": {"backend": "word2vec"}})
    with pytest.raises(SettingsError, match="minilm"):
        get_embedder(settings)


def test_missing_named_model_fails_clearly(tmp_path):
    settings = load_settings().with_overrides(
        {"embedder": {"backend": "sentence-transformers", "model": str(tmp_path / "no-such-model")}})
    with pytest.raises(ModelUnavailableError, match="no-such-model"):
        get_embedder(settings)


def test_int8_story_embedder_stays_close_to_fp32_and_ignores_batch_company(onnx_vectors):
    int8 = get_embedder(load_settings(), backend="minilm-int8")
    assert int8.name.endswith("@int8")
    vectors = int8.encode(SENTENCES)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.einsum("ij,ij->i", vectors, onnx_vectors).min() > 0.98
    # activations are quantised per input tensor: a text's vector must not depend on its batch
    alone = np.stack([int8.encode([s])[0] for s in SENTENCES])
    assert np.array_equal(alone, vectors)


def test_length_batches_keep_padding_small():
    from storydiff.backends.onnx_embedder import length_batches

    lengths = [12, 80, 13, 9, 40, 41, 10, 11, 300, 12]  # token counts of a compare: short frames, long quotes
    batches = length_batches(lengths, max_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)
    for b in batches:
        assert max(lengths[i] for i in b) <= 1.25 * min(lengths[i] for i in b)
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    assert padded <= 1.25 * sum(lengths)
    assert length_batches([], 32) == []


@pytest.mark.parametrize("runtime, atol", [("onnxruntime", 1e-5), ("openvino", 5e-4)])
def test_a_vector_does_not_depend_on_its_batch(runtime, atol):
    # bf16 kernels chosen by batch shape round differently: within 1e-4 on a compare's 204 texts
    embedder = get_embedder(load_settings().with_overrides({"embedder": {"runtime": runtime}}))
    batched = embedder.encode(SENTENCES)
    alone = np.stack([embedder.encode([s])[0] for s in SENTENCES])
    assert np.allclose(alone, batched, atol=atol)
    assert embedder.encode([]).shape == (0, 384)


def test_openvino_recompiles_over_a_damaged_compiled_copy(tmp_path):
    import shutil

    from storydiff.backends.onnx_embedder import OpenVinoSession

    onnx_path = tmp_path / "minilm.onnx"
    shutil.copy(get_embedder(load_settings()).session.onnx_path, onnx_path)
    first = OpenVinoSession(onnx_path, threads=1)
    (compiled,) = tmp_path.glob("*.ov")  # kept for the next start
    compiled.write_bytes(b"\x00not a compiled model" * 10)  # e.g. a disk that filled up mid-write
    again = OpenVinoSession(onnx_path, threads=1)
    feed = {"input_ids": np.array([[101, 7592, 102]]), "attention_mask": np.ones((1, 3), np.int64),
            "token_type_ids": np.zeros((1, 3), np.int64)}
    assert np.array_equal(first.run(None, feed)[0], again.run(None, feed)[0])
    assert compiled.stat().st_size > 1_000_000  # written anew
