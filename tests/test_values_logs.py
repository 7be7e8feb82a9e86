"""Training logs read as curves: csv tables (a step column, several columns, W&B and TensorBoard exports),
Hugging Face ``trainer_state.json`` from a real ``Trainer`` run, TensorBoard event files written by
PyTorch's ``SummaryWriter``; float32 values; malformed files refused by line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.logs import Curve, read_curve
from lrdsl.logs.fit import fit_curve
from tests.frameworks import need

COSINE = "warmup(linear, 5) >> cosine(0.1→0)"
"""What ``TrainingArguments(learning_rate=0.1, lr_scheduler_type="cosine", warmup_steps=5)`` does."""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, **kwargs: str) -> str:
    with pytest.raises(lrdsl.LrdslError) as info:
        read_curve(path, **kwargs)
    return str(info.value).replace(str(path), "FILE")


# --- csv -----------------------------------------------------------------------------------------------


def test_csv_with_a_step_column_and_several_columns(tmp_path: Path) -> None:
    y = lrdsl.evaluate("cosine(0.1→0)", 100)
    rows = ["step,loss,lr"] + [f"{s},{1.0 / (s + 1)!r},{float(y[s])!r}" for s in range(0, 100, 10)]
    path = _write(tmp_path / "log.csv", "\n".join(rows) + "\n")
    assert "has 2 value columns: 'loss', 'lr'" in _error(path)
    log = read_curve(path, column="lr")
    assert log.steps.tolist() == list(range(0, 100, 10)) and not log.dense
    assert log.values.tolist() == y[::10].tolist() and log.dtype == "float64"
    assert lrdsl.compare("cosine(0.1→0)", log, 100).equal
    assert not lrdsl.compare("cosine(0.1→0) * offset(1)", log, 100).equal


def test_csv_of_one_based_steps_is_read_at_those_steps(tmp_path: Path) -> None:
    y = lrdsl.evaluate("linear(1→0, 20)", 21)
    path = _write(tmp_path / "lr.csv", "".join(f"{s},{float(y[s])!r}\n" for s in range(1, 20)))
    log = read_curve(path)
    assert log.steps.tolist() == list(range(1, 20)) and not log.dense
    result = lrdsl.compare(log, "linear(1→0, 20)")
    assert result.equal and result.total == 20 and result.steps.tolist() == list(range(1, 20))
    late = lrdsl.compare(log, "linear(1→0, 20) * offset(-1)", 20)
    assert not late.equal and late.first_step == 1 and late.differing_steps == 19
    fitted = fit_curve(log, budget=10)  # the fit of steps 1…19, one step late
    assert fitted.exact and fitted.expr == "const(0.95, 1) >> linear(0.95→0)"
    np.testing.assert_allclose(lrdsl.evaluate(fitted.expr, 20)[1:], log.values, rtol=1e-9)


def test_wandb_export(tmp_path: Path) -> None:
    y = lrdsl.evaluate(COSINE, 40)
    head = '"Step","run-7 - train/lr","run-7 - train/lr__MIN","run-7 - train/lr__MAX","run-7 - loss"'
    rows = [head] + [
        f'"{s}","{float(y[s])!r}","{float(y[s])!r}","{float(y[s])!r}","{"" if s % 2 else 0.5}"' for s in range(40)
    ]
    path = _write(tmp_path / "wandb_export.csv", "\n".join(rows))
    assert "has 2 value columns: 'run-7 - train/lr', 'run-7 - loss'" in _error(path)
    log = read_curve(path, column="train/lr")
    assert log.dense and log.values.tolist() == y.tolist()
    assert any("W&B" in note for note in log.notes)
    loss = read_curve(path, column="run-7 - loss")  # the steps where it was logged
    assert loss.steps.tolist() == list(range(0, 40, 2))


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    cases = {
        "step,lr\n0,0.1\n1,x\n": "cannot read FILE: line 3: 'lr' is 'x', not a number",
        "step,lr\n0,0.1\n0,0.2\n": "cannot read FILE: step 0 comes after step 0",
        "step,lr\n0,0.1\n1.5,0.2\n": "cannot read FILE: line 3: step '1.5' is not a whole number",
        "step,lr\n0,0.1\n1,0.2,3\n": "cannot read FILE: line 3: 3 cells, the header has 2",
        "step,lr\n-1,0.1\n": "cannot read FILE: step -1 is negative",
        "step,lr\n0,0.1\n1,inf\n": "FILE: value 1 is inf",
        "0,0.1\n1,0.2,0.3\n": "cannot read FILE: line 2: expected 'step,lr' or one value",
    }
    for text, message in cases.items():
        path = _write(tmp_path / "bad.csv", text)
        assert _error(path).startswith(f"error: {message}"), text
    path = _write(tmp_path / "ok.csv", "step,lr\n0,0.1\n")
    assert "has no column named 'rate'" in _error(path, column="rate")


def test_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lrdsl.logs.base

    monkeypatch.setattr(lrdsl.logs.base, "MAX_BYTES", 100)
    path = _write(tmp_path / "big.csv", "step,lr\n" + "".join(f"{s},0.1\n" for s in range(100)))
    assert "is more than the 0 MiB a log may have" in _error(path)


# --- float32 ---------------------------------------------------------------------------------------------


def test_float32_values_are_detected(tmp_path: Path) -> None:
    y = lrdsl.evaluate(COSINE, 50)
    np.save(tmp_path / "f32.npy", y.astype(np.float32))
    log = read_curve(tmp_path / "f32.npy")
    assert log.dtype == "float32" and log.tolerance == (1e-6, 4 * 2.0**-24 * float(np.float32(0.1)))
    assert any("float32" in note for note in log.notes)
    rtol, atol = log.tolerance
    assert lrdsl.compare(COSINE, log, rtol=rtol, atol=atol).equal
    assert not lrdsl.compare(COSINE, log).equal  # at float64's tolerance
    fitted = fit_curve(log, budget=10)  # at float32's
    assert fitted.exact and lrdsl.compare(fitted.expr, log, rtol=rtol, atol=atol).equal
    for values in (y, [0.5, 0.25, 0.125]):  # float64 numbers; short decimals that float32 holds
        np.save(tmp_path / "f64.npy", np.asarray(values))
        assert read_curve(tmp_path / "f64.npy").dtype == "float64"


# --- Hugging Face Trainer ------------------------------------------------------------------------------


def _trainer_state(out: Path, **kwargs: object) -> Path:
    """A real Trainer run: 3 epochs of 11 steps, learning rate 0.1, cosine with 5 warm-up steps."""
    need("torch")
    transformers = need("transformers")
    from tests.test_hf_trainer import _args, _data, _model

    args = _args(out, learning_rate=0.1, lr_scheduler_type="cosine", warmup_steps=5, **kwargs)
    trainer = transformers.Trainer(model=_model(), args=args, train_dataset=_data())
    trainer.train()
    path = out / "trainer_state.json"
    trainer.state.save_to_json(str(path))
    return path


@pytest.mark.frameworks
def test_trainer_state_every_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _trainer_state(tmp_path)
    log = read_curve(path)
    assert log.dense and log.steps.tolist() == list(range(33))
    np.testing.assert_allclose(log.values, lrdsl.evaluate(COSINE, 33), rtol=1e-12, atol=0)
    assert "lr(s − 1)" in log.notes[0] and "--hf-log after" in log.notes[0]
    late = read_curve(path, hf_log="after")  # as a log of transformers ≤ 4.50 is read
    assert late.steps.tolist() == list(range(1, 34))
    assert not lrdsl.compare(COSINE, late, 34).equal
    assert lrdsl.compare(f"const(0, 1) >> ({COSINE})", late, 34).equal  # one step late
    assert main(["fit", str(path), "--hf-log", "after", "--budget", "20"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("const(0, 1) >> (") and "held at steps 0–0" in err
    assert main(["compare", COSINE, str(path)]) == 0
    assert "transformers ≥ 4.51" in capsys.readouterr().err
    assert main(["fit", str(path), "--budget", "20"]) == 0
    expr = capsys.readouterr().out.splitlines()[0]
    assert lrdsl.compare(expr, log.values).equal


@pytest.mark.frameworks
def test_trainer_state_every_fourth_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _trainer_state(tmp_path, logging_steps=4)
    log = read_curve(path)
    assert log.steps.tolist() == list(range(3, 33, 4))  # logged at steps 4, 8, …, 32
    assert lrdsl.compare(COSINE, log, 33).equal
    assert main(["compare", COSINE, str(path), "--steps", "33"]) == 0
    capsys.readouterr()
    # fitted over the logged steps; the warm-up's end (step 5) and the cosine's (33) fall between them
    assert main(["fit", str(path), "--budget", "20"]) in (0, 1)
    err = capsys.readouterr().err
    assert "every 4th step from step 3: the 3 steps between two logged ones are not seen" in err


def test_trainer_state_errors(tmp_path: Path) -> None:
    good = {"log_history": [{"step": 1, "learning_rate": 0.1}, {"step": 2, "learning_rate": 0.05}, {"step": 2}]}
    path = _write(tmp_path / "trainer_state.json", json.dumps(good))
    assert read_curve(path).steps.tolist() == [0, 1]
    cases = {
        json.dumps({"log_history": 3}): "cannot read FILE: log_history is not a list",
        json.dumps({"log_history": [{"step": 0, "learning_rate": 0.1}]}): (
            "cannot read FILE: log_history[0]: step 0 is not a whole number 1 or more"
        ),
        json.dumps({"log_history": [{"step": 1, "learning_rate": "x"}]}): (
            "cannot read FILE: log_history[0]: learning_rate x is not a number"
        ),
        json.dumps({"log_history": [{"step": 1, "loss": 2.0}]}): "FILE: log_history has no learning_rate",
    }
    for text, message in cases.items():
        _write(path, text)
        assert _error(path).startswith(f"error: {message}"), text
    _write(path, json.dumps(good))
    assert "--column is for a csv" in _error(path, column="lr")
    assert "--hf-log is for Hugging Face" in _error(_write(tmp_path / "a.csv", "0.1\n"), hf_log="after")


# --- TensorBoard ----------------------------------------------------------------------------------------


def _events(out: Path, y: np.ndarray) -> Path:
    need("torch")
    need("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(out))
    for step, value in enumerate(y):
        writer.add_scalar("train/lr", float(value), step)
        if step % 5 == 0:
            writer.add_scalar("train/loss", 1.0 / (step + 1), step)
    writer.close()
    (path,) = out.glob("events.out.tfevents.*")
    return path


@pytest.mark.frameworks
def test_tensorboard_event_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    y = lrdsl.evaluate(COSINE, 60)
    path = _events(tmp_path / "run", y)
    log = read_curve(path)  # the one learning-rate tag of two
    assert log.dense and log.dtype == "float32" and log.values.tolist() == y.astype(np.float32).tolist()
    assert read_curve(path, column="train/loss").steps.tolist() == list(range(0, 60, 5))
    assert main(["compare", COSINE, str(path)]) == 0  # at float32's tolerance
    assert "float32 values" in capsys.readouterr().err
    assert main(["compare", COSINE, str(path), "--rtol", "1e-12", "--atol", "1e-15"]) == 1
    # its csv export, as TensorBoard writes it
    rows = ["Wall time,Step,Value"] + [f"1700000000.5,{s},{float(v)!r}" for s, v in zip(log.steps, log.values)]
    export = _write(tmp_path / "run-train_lr.csv", "\n".join(rows) + "\n")
    exported = read_curve(export)
    assert exported.values.tolist() == log.values.tolist() and exported.dtype == "float32"
    assert any("TensorBoard csv export" in note for note in exported.notes)


@pytest.mark.frameworks
def test_tensorboard_malformed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    path = _events(tmp_path / "run", lrdsl.evaluate(COSINE, 20))
    data = path.read_bytes()
    cut = tmp_path / "events.out.tfevents.cut"
    cut.write_bytes(data[:-7])
    assert "is cut short" in _error(cut)
    junk = tmp_path / "events.out.tfevents.junk"
    junk.write_bytes(b"step,lr\n0,0.1\n1,0.2\n")
    assert "record 1 (byte 0) is not a TensorBoard event record" in _error(junk)
    assert "has no scalar tag 'lr'" in _error(path, column="lr")
    changed = tmp_path / "events.out.tfevents.changed"
    at = data.rindex(b"train/lr")
    changed.write_bytes(data[:at] + b"train/lq" + data[at + 8 :])  # the last rate's tag, its checksum unchanged
    assert "does not match its checksum" in _error(changed, column="train/lq")
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    assert _error(path) == (
        "error: reading TensorBoard event files needs the tensorboard package\n"
        "hint: install it: pip install 'lrdsl[examples]'"
    )


def test_curve_is_exported_data() -> None:
    log = Curve(np.arange(3), np.array([0.1, 0.2, 0.3]), "x")
    assert log.dense and log.tolerance is None


def test_mutated_logs_give_errors_not_tracebacks(tmp_path: Path) -> None:
    """Bytes cut, changed and inserted into each text format: a curve of finite values at increasing
    steps, or an LrdslError."""
    import random

    rng = random.Random(0)
    bases = {
        "a.csv": "step,lr,loss\n0,0.1,1\n1,0.09,2\n3,0.05,\n",
        "w.csv": '"Step","r - lr","r - lr__MIN","r - lr__MAX"\n"0","0.1","0.1","0.1"\n"2","0.2","0.2","0.2"\n',
        "t.csv": "Wall time,Step,Value\n1.5,0,0.1\n2.5,1,0.2\n",
        "trainer_state.json": json.dumps(
            {"log_history": [{"step": 1, "learning_rate": 0.1}, {"step": 2, "learning_rate": 0.05}]}
        ),
    }
    pieces = [b",", b"\n", b'"', b"x", b"1e400", b"-", b"9" * 30, b"\x00", b"\xff", b"{", b"]", b"nan", b"\t", b"null"]
    for name, text in bases.items():
        path = tmp_path / name
        for _ in range(150):
            data = bytearray(text.encode())
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                if rng.random() < 0.4:
                    del data[at]
                else:
                    data[at:at] = rng.choice(pieces)
            path.write_bytes(bytes(data))
            for kwargs in ({}, {"column": "lr"}, {"hf_log": "after"}):
                try:
                    log = read_curve(path, **kwargs)
                except lrdsl.LrdslError:
                    continue
                assert np.isfinite(log.values).all() and log.steps[0] >= 0 and (np.diff(log.steps) > 0).all()


def test_compare_reports_the_logged_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "sparse.csv", "step,lr\n1,0.95\n5,0.75\n9,0.55\n")
    assert main(["compare", "linear(1→0, 20)", str(path)]) == 0
    assert capsys.readouterr().out.startswith("equal within rtol 1e-09, atol 0 over the 3 logged steps\n")
    assert main(["compare", "linear(1→0, 20) * offset(-2)", str(path), "--steps", "20"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "differ at 3 of the 3 logged steps (rtol 1e-09, atol 0)"
    assert [row.split()[0] for row in out[4:7]] == ["1", "5", "9"]
    assert main(["compare", "linear(1→0, 20)", str(path), "--steps", "9"]) == 2
    assert "the log gives step 9, past the comparison's 9 steps" in capsys.readouterr().err
