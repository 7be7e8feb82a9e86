"""``lrdsl.record`` inside ``model.fit`` on one Keras backend, against the rate read off the weights.

Run in a process of its own with KERAS_BACKEND set (tests/test_record.py). The model, data and the
ground truth are tests/keras_callback_worker.py's: one float64 weight whose gradient is exactly 1,
so SGD moves it by ``−lr`` and the rate batch ``k`` used is ``w_k − w_{k+1}``. Prints one JSON
object: {check: null if it matches, else a message}.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from tests.keras_callback_worker import STEP_EXPR, _check, _data, _model, _recorder


def _naive() -> Any:
    """What a hand-written callback reads after each batch: ``optimizer.learning_rate``, unsynced."""
    import keras
    from keras import ops

    class Naive(keras.callbacks.Callback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.rates: list[float] = []

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.rates.append(float(ops.convert_to_numpy(self.model.optimizer.learning_rate)))

    return Naive()


def main() -> None:
    os.environ["JAX_ENABLE_X64"] = "1"
    import keras

    import lrdsl
    import lrdsl.keras

    keras.config.set_floatx("float64")
    out: dict[str, str | None] = {}
    want = lrdsl.evaluate(STEP_EXPR, 40, 8)

    # A schedule, one update a batch: 32 samples in batches of 4, 5 epochs.
    model, used, naive = _model(lrdsl.keras.schedule(STEP_EXPR, 40, 8)), _recorder(), _naive()
    with lrdsl.record(model) as rec:
        model.fit(*_data(32), batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[rec.callback, used, naive])
    _check(out, "schedule:used", rec.values, used.rates)
    _check(out, "schedule:evaluate", rec.values, want)
    fit = lrdsl.fit(rec.values, steps_per_epoch=8, rtol=1e-6, atol=4 * 2**-24 * float(rec.values.max()))
    out["schedule:fit"] = None if fit.exact else repr(fit)
    _check(out, "schedule:fit evaluates", lrdsl.evaluate(fit.expr, 40, 8), want)
    out["schedule:naive reader is off"] = None if not np.allclose(naive.rates, used.rates) else "naive matches"
    out["schedule:float64"] = None if rec.values.dtype == np.float64 and rec.groups.shape == (40, 1) else "dtype"

    # Four batches a call (steps_per_execution, not on torch): one callback call for four updates.
    if keras.backend.backend() != "torch":
        model = _model(1.0)
        model.compile(
            optimizer=keras.optimizers.SGD(lrdsl.keras.schedule(STEP_EXPR, 40, 8)), loss="mae", steps_per_execution=4
        )
        rec = lrdsl.record(model.optimizer)  # the optimizer given, not the model
        model.fit(*_data(32), batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[rec.callback])
        _check(out, "steps_per_execution:evaluate", rec.values, want)

    # A number as the rate, set at each epoch's start by a LearningRateScheduler; resumed by a second fit.
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.5**epoch)
    model, used = _model(1.0), _recorder()
    rec = lrdsl.record(model)
    model.fit(*_data(16), batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[halve, rec.callback, used])
    model.fit(*_data(16), batch_size=4, epochs=3, initial_epoch=2, verbose=0, callbacks=[halve, rec.callback, used])
    _check(out, "variable:used", rec.values, used.rates)
    _check(out, "variable:evaluate", rec.values, np.repeat(0.5 ** np.arange(3), 4))

    # Gradient accumulation over 2 batches: one update every second batch, at the schedule's count then.
    sched = lrdsl.keras.schedule(STEP_EXPR, 40, 8)
    model, used = _model(1.0), _recorder()
    model.compile(optimizer=keras.optimizers.SGD(sched, gradient_accumulation_steps=2), loss="mae")
    rec = lrdsl.record(model)
    model.fit(*_data(32), batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[rec.callback, used])
    applied = [r for r in used.rates if r != 0.0]
    _check(out, "accumulation:used", rec.values, applied)
    _check(out, "accumulation:evaluate", rec.values, want[1:16:2])

    # Mixed precision's LossScaleOptimizer: the inner optimizer's updates.
    model, used = _model(1.0), _recorder()
    sgd = keras.optimizers.SGD(lrdsl.keras.schedule(STEP_EXPR, 40, 8))
    model.compile(optimizer=keras.optimizers.LossScaleOptimizer(sgd), loss="mae")
    rec = lrdsl.record(model)
    model.fit(*_data(32), batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[rec.callback, used])
    _check(out, "loss scale:used", rec.values, used.rates)
    _check(out, "loss scale:evaluate", rec.values, want[:16])

    # The callback of one model's recording given to another model's fit.
    rec = lrdsl.record(_model(1.0))
    try:
        _model(1.0).fit(*_data(8), batch_size=4, epochs=1, verbose=0, callbacks=[rec.callback])
        out["another model"] = "no error"
    except lrdsl.LrdslError as exc:
        message = (
            "error: rec.callback was given to another model's fit than the model recorded\n"
            "hint: record that model: lrdsl.record(model), then model.fit(…, callbacks=[rec.callback])"
        )
        out["another model"] = None if str(exc) == message else str(exc)
    print(json.dumps({"backend": keras.backend.backend(), "results": out}))


if __name__ == "__main__":
    main()
