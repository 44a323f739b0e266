"""Every model chosen in a form field or an API payload is looked up within the user's scope.

The cases are GENERATED: the forms are found by importing every app's ``forms``/``filters``
module, the payloads by walking the ninja API's operations. A new model choice that bypasses
``ScopedModelChoiceField`` / ``Ref`` fails ``test_every_form_choice_is_scoped`` or
``test_every_payload_reference_is_marked``; every scoped one must refuse an unknown and an
out-of-scope row (and accept an in-scope one, so the test can fail), and every payload must
answer 404 (absent, as everything outside a scope; 400 for an unknown code of reference data)
naming the field, with nothing changed in the database.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.apps import apps

from anjian.core.forms import ScopedModelChoiceField
from anjian.core.lookups import lookup, refs_of

PERSONAS = ["district_a", "district_b", "regulator", "grid_inspector", "enterprise", "city_admin"]


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        for suffix in ("forms", "filters"):
            try:
                module = importlib.import_module(f"{config.name}.{suffix}")
            except ModuleNotFoundError:
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and not _name.startswith("_"):
                    found.append(cls)
    return found


FORMS = _form_classes()
CHOICES = [(cls, name) for cls in FORMS for name, field in cls.base_fields.items()
           if isinstance(field, forms.ModelChoiceField)]


def test_every_form_choice_is_scoped():
    assert len(CHOICES) >= 20  # the discovery works
    plain = [f"{cls.__module__}.{cls.__name__}.{name}" for cls, name in CHOICES
             if not isinstance(cls.base_fields[name], ScopedModelChoiceField)]
    assert plain == [], "model choices that bypass the scope: " + ", ".join(plain)
    no_user = [cls.__name__ for cls, _name in CHOICES if "user" not in inspect.signature(cls.__init__).parameters]
    assert no_user == [], "forms with scoped choices must be bound to the user: " + ", ".join(no_user)


# --- rows outside somebody's scope ------------------------------------------------------------


@pytest.fixture
def rows(world):
    """One row of each chosen model in each district, so that every lookup has something outside
    a district persona's scope."""
    from anjian.documents.models import DocumentSeries
    from anjian.enforcement import services as es
    from anjian.funds.services import provider_save
    from anjian.hazards import services as hs
    from anjian.monitoring import services as ms
    from anjian.monitoring.services import SubstanceRow
    from anjian.orgs.models import DepartmentKind
    from anjian.orgs.services import department_create
    from anjian.training.services import course_save, trainee_save, trainer_save
    from tests.emergency.helpers import scope_rows

    for j, code in ((world.district_a, "a"), (world.district_b, "b")):
        dept = department_create(actor=None, name=f"{j.name}应急管理局", kind=DepartmentKind.REGULATOR, jurisdiction=j)
        es.inspector_add(actor=None, department=dept, name=f"{j.name}执法员", cert_no=f"scope-{code}")
        es.matter_add(actor=None, department=dept, name=f"{j.name}抽查事项", basis="安全生产法第六十二条")
        DocumentSeries.objects.create(code=f"scope-{code}", prefix=f"{code}督", name=f"{j.name}督办", jurisdiction=j)
    for ent in (world.ent_a, world.ent_b):
        source = ms.hazard_source_create(actor=None, enterprise=ent, name="储罐区", unit_kind="storage",
                                         exposed_population=10, substances=[SubstanceRow("氯", "7782-50-5", "10")])
        ms.sensor_create(actor=None, enterprise=ent, code=f"T{ent.pk}", data={"name": "温度", "kind": "temperature",
                                                                      "source": source})
        hs.hazard_report(actor=None, source="patrol", category="消防", description="灭火器过期", enterprise=ent)
    for j, ent in ((world.district_a, world.ent_a), (world.district_b, world.ent_b)):  # sections 五, 六
        provider_save(actor=None, jurisdiction=j, name=f"{j.name}托管机构", qualification="安全评价", staff_count=5,
                      capacity=20)
        trainee_save(actor=None, name=f"{j.name}学员", role="worker", group="worker", enterprise=ent)
        trainer = trainer_save(actor=None, name=f"{j.name}教师", jurisdiction=j)
        course_save(actor=None, title=f"{j.name}安全培训", subject="安全生产法律法规", hours=Decimal(8), jurisdiction=j,
                    trainer=trainer)
    for dept, j, code in ((world.ema, world.district_a, "a"), (world.housing, world.district_b, "b")):  # 双随机, 专项整治
        for n in (1, 2):
            es.inspector_add(actor=None, department=dept, name=f"{dept.name}执法员{n}", cert_no=f"draw-{code}{n}")
        matter = es.matter_add(actor=None, department=dept, name=f"{j.name}双随机事项", basis="安全生产法第六十二条")
        es.draw_run(actor=None, department=dept, jurisdiction=j, matter=matter, ratio_percent=100, seed=code)
        today = dt.date.today()
        es.inspection_start(actor=None, department=dept, enterprise=world.ent_a if code == "a" else world.ent_b,
                            inspectors=list(dept.inspectors.all()[:2]))
        es.case_file(actor=None, department=dept, enterprise=world.ent_a if code == "a" else world.ent_b,
                     cause="未对安全设备进行经常性维护", facts="报警器未投用", legal_basis="《安全生产法》第三十六条")
        es.campaign_create(actor=None, title=f"{j.name}专项整治", field="fire", jurisdiction=j, lead=dept,
                           starts_on=today, ends_on=today + dt.timedelta(days=90))
    scope_rows(world)  # section 八: plans, teams, warehouses, accidents and alarms in both districts
    from anjian.vehicles.services import geofence_create, vehicle_create

    for j, ent, code in ((world.district_a, world.ent_a, "A"), (world.district_b, world.ent_b, "B")):  # 两客一危
        route = geofence_create(actor=None, jurisdiction=j, data={
            "name": f"{j.name}核定线路", "kind": "route",
            "geometry": {"type": "LineString", "coordinates": [[114.01 if code == "A" else 114.21, 22.01], [114.19 if code == "A" else 114.39, 22.01]]}})
        vehicle_create(actor=None, carrier=ent, data={"plate": f"粤{code}SCOPE1", "kind": "coach", "device_id": f"SCOPE-{code}",
                                                       "route": route})
    return world


def _value(entry: Any, row: Any, search: bool, by: str = "pk", *, many: bool = False) -> Any:
    if by != "pk":
        return getattr(row, by)
    value = entry.value_of(row) if search else str(row.pk)
    return [value] if many else value


def _bound(cls: type[forms.BaseForm], user: Any, data: dict[str, Any]) -> forms.BaseForm:
    return cls(data=data, user=user)


@pytest.mark.parametrize(("cls", "name"), CHOICES, ids=[f"{c.__name__}.{n}" for c, n in CHOICES])
def test_form_choice_refuses_unknown_and_out_of_scope_rows(rows, cls, name):
    field = cls.base_fields[name]
    entry = lookup(field.lookup_key)
    many = isinstance(field, forms.ModelMultipleChoiceField)
    unknown = _bound(cls, rows.user("city_admin"), {name: ["999999999"] if many else "999999999"})
    assert name in unknown.errors, f"{cls.__name__}.{name} accepted an unknown id"
    tested = 0
    for persona in PERSONAS:
        user = rows.user(persona)
        form = _bound(cls, user, {})
        if name not in form.fields:  # a role that may not see the registry gets no such field
            continue
        offered = form.fields[name].queryset  # the user's scope, maybe narrowed by the form
        inside = offered.first()
        outside = entry.all().exclude(pk__in=entry.queryset(user).values("pk")).first()
        if inside is not None:  # the test can fail: a row in scope is accepted
            ok = _bound(cls, user, {name: _value(entry, inside, field.search, many=many)})
            ok.is_valid()
            assert name not in ok.errors, f"{cls.__name__}.{name} refused an in-scope row for {persona}"
        if outside is None:
            continue
        bad = _bound(cls, user, {name: _value(entry, outside, field.search, many=many)})
        assert not bad.is_valid() and name in bad.errors, f"{cls.__name__}.{name} accepted {outside!r} for {persona}"
        assert outside.pk not in {row.pk for row in entry.suggest(user, "", limit=10_000)}  # nor suggested
        tested += 1
    if entry.action is not None and entry.key != "checklists.hazard_items":  # published standards serve everyone
        assert tested, f"no persona had a row outside its scope for {cls.__name__}.{name}"


# --- API payloads ----------------------------------------------------------------------------

REFERENCE_LIKE = ("_id", "_code")
NOT_REFERENCES = {"type_code", "credit_code", "device_id"}  # a GB 6441 type, the enterprise's own code, a vehicle terminal's id: not rows


def _operations() -> list[tuple[str, str, str, type, Any]]:
    from anjian.config.api import api

    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for model in op.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue
                    for info in model.model_fields.values():
                        schema = info.annotation
                        if isinstance(schema, type) and hasattr(schema, "model_fields"):
                            for method in op.methods:
                                found.append((method, f"/api/v1{prefix}{path}", schema.__name__, schema, op))
    return found


OPERATIONS = _operations()
REF_CASES = [(method, path, schema, field) for method, path, _n, schema, _op in OPERATIONS
             for field in refs_of(schema)]


def _nested(schema: type) -> list[type]:
    out = [schema]
    for info in schema.model_fields.values():
        for arg in getattr(info.annotation, "__args__", ()) or ():
            if isinstance(arg, type) and hasattr(arg, "model_fields"):
                out += _nested(arg)
    return out


def test_every_payload_reference_is_marked():
    assert len(REF_CASES) >= 15
    unmarked = []
    for _method, path, _name, schema, _op in OPERATIONS:
        for part in _nested(schema):
            marked = refs_of(part)
            for field in part.model_fields:
                if field.endswith(REFERENCE_LIKE) and field not in NOT_REFERENCES and field not in marked:
                    unmarked.append(f"{path} {part.__name__}.{field}")
    assert unmarked == [], "payload fields naming a row without a scoped Ref: " + ", ".join(unmarked)


PATTERNED = {"^[ABCD]$": "A"}  # a value for each pattern-constrained string of the payloads


def _dummy(prop: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in prop:
        return _dummy(defs[prop["$ref"].split("/")[-1]], defs)
    if prop.get("type") == "array" and prop.get("minItems"):  # a list that may not be empty: one item
        return [_dummy(prop.get("items", {}), defs)] * prop["minItems"]
    if prop.get("type") == "object" and "properties" in prop:
        return {name: _dummy(p, defs) for name, p in prop["properties"].items() if name in prop.get("required", [])}
    if "pattern" in prop:
        return PATTERNED[prop["pattern"]]
    if "anyOf" in prop:
        return _dummy(next(p for p in prop["anyOf"] if p.get("type") != "null"), defs)
    if "enum" in prop:
        return prop["enum"][0]
    kind, fmt = prop.get("type"), prop.get("format")
    if fmt == "date":
        return dt.date.today().isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    if kind in ("integer", "number") and "minimum" in prop:  # a bounded field (a year): its lowest valid value
        return prop["minimum"]
    return {"string": "x", "integer": 1, "number": 1, "boolean": False, "object": {}, "array": []}.get(kind, "x")


def _snapshot() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


def _path_values(world: Any, path: str) -> str:
    from anjian.hazards.models import Hazard
    from anjian.monitoring.models import Sensor
    from anjian.vehicles.models import Geofence, Vehicle

    mine_a = Hazard.objects.filter(enterprise=world.ent_a).first()
    from anjian.enforcement.models import Case, Inspection

    inspection = Inspection.objects.filter(enterprise=world.ent_a).first()
    case = Case.objects.filter(enterprise=world.ent_a).first()
    return (path.replace("/hazards/{pk}", f"/hazards/{mine_a.pk}")
            .replace("/enforcement/inspections/{pk}", f"/enforcement/inspections/{inspection.pk}")
            .replace("/enforcement/cases/{pk}", f"/enforcement/cases/{case.pk}")
            .replace("{target}", "rejected")
            .replace("{sensor_id}", str(Sensor.objects.get(enterprise=world.ent_a).pk))
            .replace("{vehicle_id}", str(Vehicle.objects.get(carrier=world.ent_a).pk))
            .replace("{fence_id}", str(Geofence.objects.get(jurisdiction=world.district_a).pk))
            .replace("/enterprises/{pk}", f"/enterprises/{world.ent_a.pk}"))


@pytest.mark.parametrize(("method", "path", "schema", "field"), REF_CASES,
                         ids=[f"{m} {p} {f}" for m, p, _s, f in REF_CASES])
def test_payload_reference_out_of_scope_is_refused_and_nothing_changes(client, rows, method, path, schema, field):
    from anjian.accounts.services import token_create

    ref = refs_of(schema)[field]
    entry = lookup(ref.lookup)
    body_schema = schema.model_json_schema()
    defs = body_schema.get("$defs", {})
    required = body_schema.get("required", [])
    base = {name: _dummy(prop, defs) for name, prop in body_schema["properties"].items()
            if name in required and name not in refs_of(schema)}
    url = _path_values(rows, path)
    refused = 0
    for persona in ["district_a", "regulator", "enterprise", "grid_inspector", "city_admin"]:
        user = rows.user(persona)
        others = {}  # the other required references: a row the persona may choose
        for other, other_ref in refs_of(schema).items():
            if other != field and other in required:
                row = lookup(other_ref.lookup).queryset(user).first()
                others[other] = None if row is None else (row.pk if other_ref.by == "pk" else getattr(row, other_ref.by))
        if None in others.values():
            continue
        base_for = {**base, **others}
        candidates = [("unknown", "999999999" if ref.by != "pk" else 999999999)]
        outside = entry.all().exclude(pk__in=entry.queryset(user).values("pk")).first()
        if outside is not None:
            candidates.append(("outside", getattr(outside, ref.by) if ref.by != "pk" else outside.pk))
        raw = token_create(actor=user, name="t")[1]
        for _what, value in candidates:
            before = _snapshot()
            resp = client.generic(method, url, json.dumps({**base_for, field: value}), content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {raw}")
            if resp.status_code == 404 and "field" not in resp.json():  # may not call the endpoint at all
                break
            if resp.status_code == 403 and "变更申请" in json.dumps(resp.json(), ensure_ascii=False):
                # an enterprise may not move itself at all (it proposes a change request): refused
                # before any look-up, which is as good — and nothing changed
                after = _snapshot()
                after.pop("accounts.ApiToken", None), before.pop("accounts.ApiToken", None)
                assert after == before, f"{path} changed rows although it refused {field}"
                refused += 1
                continue
            expected = entry.not_found_status or (404 if entry.action is not None else 400)
            assert resp.status_code == expected, (persona, value, resp.status_code, resp.content[:300])
            assert resp.json()["field"] == field
            assert "不在您的管辖范围内" in resp.json()["zh"]
            after = _snapshot()
            after.pop("accounts.ApiToken", None), before.pop("accounts.ApiToken", None)
            assert after == before, f"{path} changed rows although it refused {field}"
            refused += 1
    assert refused, f"no persona could exercise {method} {path} {field}"
