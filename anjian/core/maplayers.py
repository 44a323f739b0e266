"""The cockpit's map layers (领导驾驶舱): a small registry each app adds to.

A layer is a name, the action a user needs to see it and a function ``points(user, place)``
returning a GeoJSON FeatureCollection of the layer's features inside ``place`` (a
jurisdiction the user may see), read through the user's scope. The cockpit (``anjian.dashboard``)
registers the layers of the apps below it; an app above the dashboard's reach (or one built
later, e.g. vehicles) registers its own in ``apps.py ready()``::

    from anjian.core.maplayers import MapLayer, register
    register(MapLayer(code="vehicles", label=_("车辆"), action="vehicles.view", points=vehicle_points, order=60))

Core imports no app: the registry only holds callables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from anjian.core.scoping import has_action

# The colour a layer's markers are drawn in (also its legend swatch), by code.
Points = Callable[[Any, Any], dict[str, Any]]


@dataclass(frozen=True)
class MapLayer:
    code: str  # a slug: the layer's URL and its data-layer name on the page
    label: str | Promise
    action: str  # the user needs this action to get the layer
    points: Points  # (user, place) -> GeoJSON FeatureCollection
    order: int = 50
    colour: str = "#0d6efd"  # marker colour (the legend shows it)
    on: bool = True  # shown when the page opens


LAYERS: dict[str, MapLayer] = {}


def register(layer: MapLayer) -> MapLayer:
    LAYERS[layer.code] = layer
    return layer


def layers_for(user: Any) -> list[MapLayer]:
    """The layers the user may see, in their order."""
    return sorted((la for la in LAYERS.values() if has_action(user, la.action)), key=lambda la: (la.order, la.code))


def feature(lng: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": properties}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}
