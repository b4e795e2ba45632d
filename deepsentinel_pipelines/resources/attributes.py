"""Optional person attributes (age, gender): off by default, a TorchScript model when configured.

The seed used MiVOLO; no offline weights for it (or any age/gender model) ship in a package we
can install, so the stage stays off until a model is configured. Turning it on is a setting
(DEEPSENTINEL_ATTRIBUTES_MODEL), not a code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

DISABLED_REASON = (
    "person attributes are off: no age/gender model weights are available offline; set "
    "DEEPSENTINEL_ATTRIBUTES_MODEL to a TorchScript model (path) to turn them on"
)


class AttributeEstimatorResource(ConfigurableResource):
    """Estimates attributes of people from RGB crops (see ``video.attributes.person_crop``)."""

    def enabled(self) -> bool:
        """Whether the stage runs at all."""
        raise NotImplementedError

    def estimate(self, crops: Sequence[np.ndarray]) -> list[dict[str, Any]]:
        """One attribute dict per crop."""
        raise NotImplementedError


class DisabledAttributeEstimatorResource(AttributeEstimatorResource):
    """The default: no model configured, nothing estimated."""

    def enabled(self) -> bool:
        """Never."""
        return False

    def estimate(self, crops: Sequence[np.ndarray]) -> list[dict[str, Any]]:
        """Nothing to estimate with."""
        raise RuntimeError(DISABLED_REASON)


class TorchScriptAttributeEstimatorResource(AttributeEstimatorResource):
    """An age/gender TorchScript model.

    It takes (N, 3, 224, 224) float RGB in [0, 1] and returns (N, 2): estimated age in years
    and probability of 'female'.
    """

    model_path: str
    device: str = "cpu"
    batch_size: int = 32

    _model: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Load the model once."""
        del context
        self._load()

    def _load(self) -> Any:
        if self._model is None:
            import torch

            self._model = torch.jit.load(self.model_path, map_location=self.device).eval()
        return self._model

    def enabled(self) -> bool:
        """Always, once configured."""
        return True

    def estimate(self, crops: Sequence[np.ndarray]) -> list[dict[str, Any]]:
        """Age (years) and gender (with its probability) per crop."""
        import torch

        model = self._load()
        results: list[dict[str, Any]] = []
        for start in range(0, len(crops), self.batch_size):
            batch = np.stack(crops[start : start + self.batch_size]).astype(np.float32) / 255.0
            tensor = torch.from_numpy(batch).permute(0, 3, 1, 2).to(self.device)
            with torch.inference_mode():
                out = model(tensor).float().cpu().numpy()
            for age, p_female in out[:, :2]:
                results.append(
                    {
                        "age": round(float(age), 1),
                        "gender": "female" if p_female >= 0.5 else "male",
                        "gender_confidence": round(float(max(p_female, 1 - p_female)), 3),
                    }
                )
        return results
