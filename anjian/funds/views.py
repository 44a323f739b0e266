"""Pages of the funds app (section 五): the special fund ledger, the enterprises' safety cost,
custody, safety technology. Reads go through the selectors, writes through one service each."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from anjian.accounts.models import User
from anjian.audit.selectors import timeline_for
from anjian.core.errors import DomainError
from anjian.core.pagination import keyset_page
from anjian.core.scoping import can, has_action, has_action_over_territory
from anjian.core.views import post_form_action, require_action
from anjian.documents.exports import bytes_response
from anjian.documents.models import Attachment
from anjian.enterprises.models import Enterprise
from anjian.funds import forms as f
from anjian.funds import selectors as sel
from anjian.funds import services
from anjian.funds.models import (
    ContractStatus,
    CustodyVisit,
    FundAllocation,
    FundLine,
    FundSpending,
    SafetyCostYear,
    TechCampaign,
    TechKind,
)
from anjian.monitoring.models import Sensor
from anjian.rules.funds import CUSTODY_STAFF_LIMIT, execution_rate


def _money(v: Any) -> str:
    return "—" if v is None else f"{Decimal(v):,.2f}"


def _rate(v: Any) -> str:
    return "—" if v is None else f"{v}%"


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def files_of(model: Any, pks: list[int]) -> dict[str, list[Attachment]]:
    """The attachments of these rows of ``model``, by the row's pk (as text)."""
    out: dict[str, list[Attachment]] = {}
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    for att in Attachment.objects.filter(content_type=ct, object_id__in=[str(pk) for pk in pks]).order_by("id"):
        out.setdefault(att.object_id, []).append(att)
    return out


def _links(atts: list[Attachment]) -> Any:
    return {"files": [(reverse("documents:attachment", args=[a.pk]), a.original_name) for a in atts]} if atts else "—"


def _form_page(request: HttpRequest, form: Any, title: str, crumbs: list[tuple[str, str]], do: Any) -> HttpResponse | None:
    """POST: run ``do(cleaned_data)``; a refusal goes back beside its field. Returns the redirect
    or ``None`` to render."""
    if request.method == "POST" and form.is_valid():
        try:
            return do(form.cleaned_data)  # type: ignore[no-any-return]
        except DomainError as exc:
            if exc.status == 404 and exc.field not in form.fields:
                raise Http404 from exc
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return None


def _render_form(request: HttpRequest, form: Any, title: str, crumbs: list[tuple[str, str]]) -> HttpResponse:
    return render(request, "funds/form.html", {"form": form, "title": title, "crumbs": crumbs})


# --------------------------------------------------------------------------- special fund


@require_action("funds.manage")
def lines_view(request: HttpRequest) -> HttpResponse:
    if not has_action_over_territory(request.user, "funds.manage"):
        raise Http404
    year = _year(request)
    summary = sel.ledger_summary(user=request.user, year=year)
    rows = [{"url": reverse("funds:line", args=[ln.pk]), "cells": [ln.code, ln.name, ln.owner.name, _money(ln.amount)]}
            for ln in sel.lines(user=request.user, year=year)]
    tables = [
        {"title": _("预算科目"), "headers": [_("科目编码"), _("预算科目"), _("资金管理辖区"), _("预算金额（元）")], "rows": rows,
         "testid": "lines"},
        {"title": _("执行情况（按科目）"), "testid": "by-line",
         "headers": [_("科目编码"), _("已下达（元）"), _("已支出（元）"), _("结余（元）"), _("执行率")],
         "rows": [{"cells": [b["key"], _money(b["allocated"]), _money(b["spent"]), _money(b["remaining"]), _rate(b["rate"])]}
                  for b in summary["line"]]},
        {"title": _("执行情况（按辖区）"), "testid": "by-district",
         "headers": [_("辖区"), _("已下达（元）"), _("已支出（元）"), _("结余（元）"), _("执行率")],
         "rows": [{"cells": [b["key"], _money(b["allocated"]), _money(b["spent"]), _money(b["remaining"]), _rate(b["rate"])]}
                  for b in summary["district"]]},
    ]
    return render(request, "funds/page.html", {
        "title": _("安全生产专项经费"), "filter_form": f.YearFilter(request.GET or None), "tables": tables,
        "buttons": [{"label": _("新增预算科目"), "url": reverse("funds:line_new"), "testid": "btn-new"},
                    {"label": _("导出台账"), "url": reverse("funds:ledger_export") + f"?year={year}", "icon": "bi-download",
                     "testid": "btn-export"}]})


@require_action("funds.manage")
def line_new_view(request: HttpRequest) -> HttpResponse:
    form = f.LineForm(request.POST or None, user=request.user)
    crumbs = [(_("安全生产专项经费"), reverse("funds:lines"))]
    done = _form_page(request, form, _("新增预算科目"), crumbs, lambda d: redirect(
        "funds:line", pk=services.line_create(actor=request.user, **d).pk))
    return done or _render_form(request, form, _("新增预算科目"), crumbs)


def _line(request: HttpRequest, pk: int) -> FundLine:
    line = sel.lines(user=request.user).filter(pk=pk).first()
    if line is None:
        raise Http404
    return line


@require_action("funds.manage")
def line_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    allocs = list(FundAllocation.objects.restrict(request.user, "funds.manage").filter(line=line).select_related("jurisdiction"))
    spends = list(FundSpending.objects.restrict(request.user, "funds.manage").filter(allocation__line=line)
                  .select_related("allocation"))
    spending_form = f.SpendingForm(user=request.user)
    spending_form.fields["allocation"].choices = [(a.pk, f"{a.jurisdiction.name} · {a.project} · {_money(a.amount)}")
                                                  for a in allocs if a.reverses_id is None]
    actions = [
        {"title": _("下达经费"), "url": reverse("funds:allocate", args=[pk]), "form": f.AllocationForm(user=request.user),
         "button": _("下达"), "testid": "allocate-form"},
        {"title": _("登记支出"), "url": reverse("funds:spend", args=[pk]), "form": spending_form, "button": _("登记"),
         "testid": "spend-form"},
        {"title": _("补传凭证"), "url": reverse("funds:voucher", args=[pk]), "form": f.VoucherForm(user=request.user),
         "button": _("上传"), "testid": "voucher-form"},
        {"title": _("冲销（更正）"), "url": reverse("funds:reverse", args=[pk]), "form": f.ReverseForm(user=request.user),
         "button": _("冲销"), "style": "danger", "testid": "reverse-form"},
    ]
    vouchers = files_of(FundSpending, [s.pk for s in spends])
    tables = [
        {"title": _("经费下达"), "testid": "allocations",
         "headers": [_("记录序号"), _("下达辖区"), _("项目"), _("下达金额（元）"), _("说明"), _("录入时间")],
         "rows": [{"cells": [a.pk, a.jurisdiction.name, a.project, _money(a.amount),
                             (_("冲销 #%(n)s：") % {"n": a.reverses_id} if a.reverses_id else "") + a.note,
                             timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M")]} for a in allocs]},
        {"title": _("经费支出"), "testid": "spendings",
         "headers": [_("记录序号"), _("支出日期"), _("项目"), _("支出金额（元）"), _("凭证号"), _("收款单位"), _("用途"),
                     _("凭证扫描件")],
         "rows": [{"cells": [s.pk, s.spent_on.strftime("%Y-%m-%d"), s.allocation.project, _money(s.amount), s.voucher_no,
                             s.payee, (_("冲销 #%(n)s：") % {"n": s.reverses_id} if s.reverses_id else "") + s.purpose,
                             _links(vouchers.get(str(s.pk), []))]}
                  for s in spends]},
    ]
    allocated = sum((a.amount for a in allocs), Decimal(0))
    spent = sum((s.amount for s in spends), Decimal(0))
    facts = [(_("年度"), line.year), (_("资金管理辖区"), line.owner.name), (_("预算金额（元）"), _money(line.amount)),
             (_("已下达（元）"), _money(allocated)), (_("已支出（元）"), _money(spent)),
             (_("执行率"), _rate(execution_rate(allocated=allocated, spent=spent)))]
    return render(request, "funds/page.html", {
        "title": f"{line.code} {line.name}", "crumbs": [(_("安全生产专项经费"), reverse("funds:lines"))], "facts": facts,
        "actions": actions, "tables": tables, "events": timeline_for(line)})


@require_POST
@require_action("funds.manage")
def allocate_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    post_form_action(request, f.AllocationForm(request.POST, user=request.user),
                     lambda d: services.allocation_create(actor=request.user, line=line, **d), _("已下达"))
    return redirect("funds:line", pk=pk)


def _allocation(request: HttpRequest, line: FundLine, pk: int) -> FundAllocation:
    a = FundAllocation.objects.restrict(request.user, "funds.manage").filter(line=line, pk=pk).first()
    if a is None:
        raise Http404
    return a


@require_POST
@require_action("funds.manage")
def spend_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = f.SpendingForm(request.POST, request.FILES, user=request.user)
    form.fields["allocation"].choices = [(str(a), str(a)) for a in
                                         FundAllocation.objects.restrict(request.user, "funds.manage")
                                         .filter(line=line).values_list("pk", flat=True)]

    def do(d: dict[str, Any]) -> Any:
        alloc = _allocation(request, line, d.pop("allocation"))
        return services.spending_record(actor=request.user, allocation=alloc, **d)

    post_form_action(request, form, do, _("已登记支出"))
    return redirect("funds:line", pk=pk)


@require_POST
@require_action("funds.manage")
def voucher_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add voucher scans to a spending entry of this line."""
    line = _line(request, pk)

    def do(d: dict[str, Any]) -> Any:
        s = FundSpending.objects.restrict(request.user, "funds.manage").filter(allocation__line=line, pk=d["pk"]).first()
        if s is None:
            raise Http404
        return services.spending_attach(actor=request.user, spending=s, files=d["files"])

    post_form_action(request, f.VoucherForm(request.POST, request.FILES, user=request.user), do, _("已上传凭证"))
    return redirect("funds:line", pk=pk)


@require_POST
@require_action("funds.manage")
def reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)

    def do(d: dict[str, Any]) -> Any:
        if d["kind"] == "allocation":
            return services.allocation_reverse(actor=request.user, allocation=_allocation(request, line, d["pk"]),
                                               reason=d["reason"])
        s = FundSpending.objects.restrict(request.user, "funds.manage").filter(allocation__line=line, pk=d["pk"]).first()
        if s is None:
            raise Http404
        return services.spending_reverse(actor=request.user, spending=s, reason=d["reason"])

    post_form_action(request, f.ReverseForm(request.POST, user=request.user), do, _("已冲销"))
    return redirect("funds:line", pk=pk)


@require_action("funds.manage")
def ledger_export_view(request: HttpRequest) -> HttpResponse:
    """The year's ledger as a spreadsheet: allocations and spending with their reversals, and the
    execution by line and by district."""
    year = _year(request)
    wb = Workbook()
    ws = wb.active
    ws.title = _("经费下达")
    ws.append([_("记录序号"), _("科目编码"), _("预算科目"), _("下达辖区"), _("项目"), _("下达金额（元）"), _("冲销对象"), _("说明")])
    for a in FundAllocation.objects.restrict(request.user, "funds.manage").filter(line__year=year).select_related(
            "line", "jurisdiction").order_by("id"):
        ws.append([a.pk, a.line.code, a.line.name, a.jurisdiction.name, a.project, float(a.amount), a.reverses_id or "", a.note])
    ws = wb.create_sheet(_("经费支出"))
    ws.append([_("记录序号"), _("科目编码"), _("项目"), _("支出日期"), _("支出金额（元）"), _("凭证号"), _("收款单位"), _("用途"),
               _("冲销对象")])
    for s in FundSpending.objects.restrict(request.user, "funds.manage").filter(allocation__line__year=year).select_related(
            "allocation__line").order_by("id"):
        ws.append([s.pk, s.allocation.line.code, s.allocation.project, s.spent_on, float(s.amount), s.voucher_no, s.payee,
                   s.purpose, s.reverses_id or ""])
    summary = sel.ledger_summary(user=request.user, year=year)
    for key, title in (("line", _("执行情况（按科目）")), ("district", _("执行情况（按辖区）"))):
        ws = wb.create_sheet(title)
        ws.append([_("科目编码") if key == "line" else _("辖区"), _("已下达（元）"), _("已支出（元）"), _("结余（元）"), _("执行率")])
        for b in summary[key]:
            ws.append([b["key"], float(b["allocated"]), float(b["spent"]), float(b["remaining"]),
                       float(b["rate"]) if b["rate"] is not None else None])
    buf = io.BytesIO()
    wb.save(buf)
    return bytes_response(buf.getvalue(), f"专项经费台账-{year}.xlsx")


# --------------------------------------------------------------------------- enterprises' safety cost


@require_action("funds.view")
def costs_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = [{"url": reverse("funds:cost", args=[r["record"].pk]),
             "cells": [r["enterprise"].name, r["record"].get_regime_display(), _money(r["required"]), _money(r["extracted"]),
                       {"tag": "danger", "text": _money(r["shortfall"])} if r["shortfall"] else _money(r["shortfall"]),
                       _money(r["used"]), _rate(r["usage_rate"]), _money(r["balance"])]}
            for r in sel.cost_rows(user=request.user, year=year)]
    buttons = [{"label": _("填报安全生产费用"), "url": reverse("funds:cost_new"), "testid": "btn-new"}] \
        if has_action(request.user, "funds.cost") else []
    return render(request, "funds/page.html", {
        "title": _("企业安全生产费用"), "filter_form": f.YearFilter(request.GET or None), "buttons": buttons,
        "tables": [{"testid": "costs", "headers": [_("企业"), _("提取类别"), _("应提取（元）"), _("实际提取（元）"), _("提取不足（元）"),
                                                     _("已使用（元）"), _("使用率"), _("结余（元）")], "rows": rows}]})


@require_action("funds.cost")
def cost_new_view(request: HttpRequest) -> HttpResponse:
    form = f.CostForm(request.POST or None, user=request.user)
    crumbs = [(_("企业安全生产费用"), reverse("funds:costs"))]
    done = _form_page(request, form, "", crumbs, lambda d: redirect(
        "funds:cost", pk=services.cost_year_save(actor=request.user, **d).pk))
    return done or _render_form(request, form, _("填报安全生产费用"), crumbs)


def _cost(request: HttpRequest, pk: int) -> SafetyCostYear:
    r = SafetyCostYear.objects.restrict(request.user, "funds.view").filter(pk=pk).select_related("enterprise").first()
    if r is None:
        raise Http404
    return r


@require_action("funds.view")
def cost_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _cost(request, pk)
    row = next(r for r in sel.cost_rows(user=request.user, year=rec.year) if r["record"].pk == rec.pk)
    facts = [(_("企业"), rec.enterprise.name), (_("年度"), rec.year), (_("提取类别"), rec.get_regime_display()),
             (_("细分类别"), f.CATEGORY_LABELS.get(rec.category, "—")), (_("计提依据（元）"), _money(rec.base)),
             (_("应提取（元）"), _money(rec.required)), (_("实际提取（元）"), _money(rec.extracted)),
             (_("提取不足（元）"), _money(row["shortfall"])), (_("上年结余（元）"), _money(rec.carried_over)),
             (_("已使用（元）"), _money(row["used"])), (_("使用率"), _rate(row["usage_rate"])), (_("结余（元）"), _money(row["balance"]))]
    actions = []
    if has_action(request.user, "funds.cost"):
        actions.append({"title": _("登记费用使用"), "url": reverse("funds:cost_use", args=[pk]),
                        "form": f.CostUseForm(user=request.user), "button": _("登记"), "testid": "use-form"})
    uses = [{"cells": [u.used_on.strftime("%Y-%m-%d"), u.get_use_display(), _money(u.amount), u.description]}
            for u in sel.cost_uses(user=request.user, record=rec)]
    return render(request, "funds/page.html", {
        "title": f"{rec.enterprise.name} {rec.year}", "crumbs": [(_("企业安全生产费用"), reverse("funds:costs"))],
        "facts": facts, "actions": actions,
        "tables": [{"title": _("使用明细"), "testid": "uses", "headers": [_("使用日期"), _("使用范围"), _("金额（元）"), _("说明")],
                    "rows": uses}]})


@require_POST
@require_action("funds.cost")
def cost_use_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _cost(request, pk)
    post_form_action(request, f.CostUseForm(request.POST, user=request.user),
                     lambda d: services.cost_use_add(actor=request.user, record=rec, **d), _("已登记"))
    return redirect("funds:cost", pk=pk)


# --------------------------------------------------------------------------- custody


@require_action("funds.view")
def contracts_view(request: HttpRequest) -> HttpResponse:
    qs = sel.contracts(user=request.user)
    page = keyset_page(qs, request.GET, sort="-starts_at", size=30)
    now = timezone.now()

    def state(c: Any) -> Any:
        if c.status == ContractStatus.ACTIVE and c.ends_at <= now:
            return {"tag": "secondary", "text": _("已到期")}
        tag = {"active": "success", "ended": "secondary", "terminated": "danger"}[c.status]
        return {"tag": tag, "text": c.get_status_display()}

    tables = [{"title": _("托管合同"), "testid": "contracts", "page": page,
               "headers": [_("合同编号"), _("托管企业"), _("托管服务机构"), _("起始时间"), _("终止时间"), _("状态")],
               "rows": [{"url": reverse("funds:contract", args=[c.pk]),
                         "cells": [c.number, c.enterprise.name, c.provider.name,
                                   timezone.localtime(c.starts_at).strftime("%Y-%m-%d %H:%M"),
                                   timezone.localtime(c.ends_at).strftime("%Y-%m-%d %H:%M"), state(c)]} for c in page.rows]}]
    if has_action_over_territory(request.user, "funds.view"):
        limit = getattr(settings, "ANJIAN_CUSTODY_STAFF_LIMIT", CUSTODY_STAFF_LIMIT)
        tables.append({"title": _("托管覆盖（从业人员 %(n)s 人以下企业）") % {"n": limit}, "testid": "coverage",
                       "headers": [_("辖区"), _("符合条件企业"), _("已托管"), _("覆盖率")],
                       "rows": [{"cells": [r["area"], r["eligible"], r["covered"], _rate(r["rate"])]}
                                for r in sel.custody_coverage(user=request.user, staff_limit=limit)]})
        tables.append({"title": _("托管机构履职情况"), "testid": "performance",
                       "headers": [_("机构名称"), _("资质"), _("在托企业"), _("可托管企业数"), _("服务次数"), _("发现隐患"), _("整改隐患"),
                                   _("托管期间事故"), _("死亡人数")],
                       "rows": [{"cells": [p["provider"].name, p["provider"].qualification, p["clients"], p["provider"].capacity,
                                           p["visits"], p["found"], p["fixed"],
                                           "—" if p["accidents"] is None else p["accidents"],
                                           "—" if p["deaths"] is None else p["deaths"]]}
                                for p in sel.provider_performance(user=request.user)]})
    buttons = []
    if has_action(request.user, "funds.custody"):
        buttons = [{"label": _("托管合同备案"), "url": reverse("funds:contract_new"), "testid": "btn-new"},
                   {"label": _("登记托管机构"), "url": reverse("funds:provider_new"), "testid": "btn-provider"}]
    return render(request, "funds/page.html", {"title": _("安全生产托管"), "tables": tables, "buttons": buttons})


@require_action("funds.custody")
def provider_new_view(request: HttpRequest) -> HttpResponse:
    form = f.ProviderForm(request.POST or None, user=request.user)
    crumbs = [(_("安全生产托管"), reverse("funds:contracts"))]

    def do(d: dict[str, Any]) -> Any:
        names = [n.strip() for n in d.pop("staff_usernames").replace("，", ",").split(",") if n.strip()]
        staff = list(User.objects.filter(username__in=names, memberships__role__code="custody").distinct())
        if len(staff) != len(set(names)):
            raise DomainError("有账号不存在或不是托管机构用户", "Some accounts do not exist or are not custody users",
                              field="staff_usernames")
        services.provider_save(actor=request.user, staff=staff, **d)
        messages.success(request, _("已登记托管机构"))
        return redirect("funds:contracts")

    done = _form_page(request, form, "", crumbs, do)
    return done or _render_form(request, form, _("登记托管机构"), crumbs)


@require_action("funds.custody")
def contract_new_view(request: HttpRequest) -> HttpResponse:
    form = f.ContractForm(request.POST or None, user=request.user)
    crumbs = [(_("安全生产托管"), reverse("funds:contracts"))]
    done = _form_page(request, form, "", crumbs, lambda d: redirect(
        "funds:contract", pk=services.contract_register(actor=request.user, **d).pk))
    return done or _render_form(request, form, _("托管合同备案"), crumbs)


@require_action("funds.view")
def contract_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = sel.contracts(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    facts = [(_("合同编号"), c.number), (_("托管企业"), c.enterprise.name), (_("托管服务机构"), c.provider.name),
             (_("资质"), c.provider.qualification), (_("起始时间"), timezone.localtime(c.starts_at).strftime("%Y-%m-%d %H:%M")),
             (_("终止时间"), timezone.localtime(c.ends_at).strftime("%Y-%m-%d %H:%M")), (_("状态"), c.get_status_display()),
             (_("服务费（元）"), _money(c.fee)), (_("上门服务周期（天）"), c.visit_every_days), (_("服务内容"), c.services)]
    actions = []
    visit_rows = list(c.visits.select_related("created_by"))
    if services.acting_for(request.user, c.enterprise) == c:
        actions.append({"title": _("填报托管服务记录"), "url": reverse("funds:visit", args=[pk]), "open": True,
                        "form": f.VisitForm(user=request.user), "button": _("提交"), "testid": "visit-form"})
        if visit_rows:
            ev = f.EvidenceForm(user=request.user)
            ev.fields["visit"].choices = [(v.pk, f"{v.visited_on:%Y-%m-%d} {v.content[:20]}") for v in visit_rows]
            actions.append({"title": _("补传服务佐证"), "url": reverse("funds:evidence", args=[pk]), "form": ev,
                            "button": _("上传"), "testid": "evidence-form"})
    if c.status == ContractStatus.ACTIVE and has_action(request.user, "funds.custody") and \
            can(request.user, "funds.custody", c):
        actions.append({"title": _("解除合同（服务机构权限立即终止）"), "url": reverse("funds:terminate", args=[pk]),
                        "form": f.ReasonForm(user=request.user), "button": _("解除"), "style": "danger",
                        "testid": "terminate-form"})
    evidence = files_of(CustodyVisit, [v.pk for v in visit_rows])
    visits = [{"cells": [v.visited_on.strftime("%Y-%m-%d"), v.content, v.hazards_found, v.hazards_fixed,
                         v.created_by.display_name if v.created_by else "—", _links(evidence.get(str(v.pk), []))]}
              for v in visit_rows]
    return render(request, "funds/page.html", {
        "title": f"{c.number} {c.enterprise.name}", "crumbs": [(_("安全生产托管"), reverse("funds:contracts"))],
        "facts": facts, "actions": actions,
        "tables": [{"title": _("托管服务记录"), "testid": "visits",
                    "headers": [_("服务日期"), _("服务内容"), _("发现隐患数"), _("整改隐患数"), _("服务人员"), _("佐证材料")],
                    "rows": visits}],
        "events": timeline_for(c)})


@require_POST
@require_action("funds.visit")
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = sel.contracts(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    post_form_action(request, f.VisitForm(request.POST, request.FILES, user=request.user),
                     lambda d: services.visit_record(actor=request.user, contract=c, **d), _("已填报"))
    return redirect("funds:contract", pk=pk)


@require_POST
@require_action("funds.visit")
def evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider's staff add evidence to a visit record of this contract."""
    c = sel.contracts(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    form = f.EvidenceForm(request.POST, request.FILES, user=request.user)
    form.fields["visit"].choices = [(v, v) for v in c.visits.values_list("pk", flat=True)]
    post_form_action(request, form, lambda d: services.visit_attach(
        actor=request.user, visit=c.visits.get(pk=d["visit"]), files=d["files"]), _("已上传"))
    return redirect("funds:contract", pk=pk)


@require_POST
@require_action("funds.custody")
def terminate_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = sel.contracts(user=request.user).filter(pk=pk).first()
    if c is None:
        raise Http404
    post_form_action(request, f.ReasonForm(request.POST, user=request.user),
                     lambda d: services.contract_terminate(actor=request.user, contract=c, reason=d["reason"]),
                     _("已解除，服务机构的代办权限已终止"))
    return redirect("funds:contract", pk=pk)


# --------------------------------------------------------------------------- technology


@require_action("funds.view")
def tech_view(request: HttpRequest) -> HttpResponse:
    form = f.TechFilter(request.GET or None)
    kind = form.cleaned_data.get("kind") if form.is_valid() else ""
    qs = sel.installations(user=request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if request.GET.get("enterprise", "").isdigit():
        qs = qs.filter(enterprise_id=int(request.GET["enterprise"]))
    page = keyset_page(qs, request.GET, sort="-installed_on", size=30)
    points = dict(Sensor.objects.restrict(request.user, "monitoring.view")
                  .filter(code__in=[i.sensor_code for i in page.rows if i.sensor_code]).values_list("code", "pk"))

    def point(code: str) -> Any:  # the monitoring point's page, when the user may read it
        if code in points:
            return {"files": [(reverse("monitoring:sensor", args=[points[code]]), code)]}
        return code or "—"

    tables = [{"title": _("安全技术装备"), "testid": "installations", "page": page,
               "headers": [_("企业"), _("技术类型"), _("数量"), _("安装日期"), _("最近维护日期"), _("联网测点编码")],
               "rows": [{"cells": [i.enterprise.name, i.get_kind_display(), i.quantity, i.installed_on.strftime("%Y-%m-%d"),
                                   i.maintained_on.strftime("%Y-%m-%d") if i.maintained_on else "—", point(i.sensor_code)]}
                        for i in page.rows]}]
    if has_action_over_territory(request.user, "funds.view"):
        cov_kind = kind or TechKind.GAS_ALARM
        tables.append({"title": _("覆盖情况：%(kind)s") % {"kind": TechKind(cov_kind).label}, "testid": "coverage",
                       "headers": [_("辖区"), _("行业"), _("企业数"), _("已安装"), _("覆盖率")],
                       "rows": [{"cells": [r["area"], r["sector"], r["total"], r["equipped"], _rate(r["rate"])]}
                                for r in sel.tech_coverage(user=request.user, kind=cov_kind)]})
    buttons = [{"label": _("登记装备"), "url": reverse("funds:tech_new"), "testid": "btn-new"}] \
        if has_action(request.user, "funds.tech") else []
    return render(request, "funds/page.html", {"title": _("安全技术装备"), "filter_form": form, "tables": tables,
                                               "buttons": buttons})


@require_action("funds.tech")
def tech_new_view(request: HttpRequest) -> HttpResponse:
    form = f.TechForm(request.POST or None, user=request.user, initial={"kind": request.GET.get("kind", "")})
    crumbs = [(_("安全技术装备"), reverse("funds:tech"))]

    def do(d: dict[str, Any]) -> Any:
        services.installation_add(actor=request.user, **d)
        messages.success(request, _("已登记"))
        return redirect("funds:tech")

    done = _form_page(request, form, "", crumbs, do)
    return done or _render_form(request, form, _("登记安全技术装备"), crumbs)


@require_action("funds.campaign")
def campaigns_view(request: HttpRequest) -> HttpResponse:
    if not has_action_over_territory(request.user, "funds.campaign"):
        raise Http404
    rows = []
    for c in TechCampaign.objects.restrict(request.user, "funds.campaign").select_related("jurisdiction")[:200]:
        total = c.targets.count()
        done = c.targets.filter(done_at__isnull=False).count()
        rows.append({"url": reverse("funds:campaign", args=[c.pk]),
                     "cells": [c.name, c.get_kind_display(), c.jurisdiction.name, c.deadline.strftime("%Y-%m-%d"), total, done,
                               _rate(execution_rate(allocated=Decimal(total), spent=Decimal(done)))]})
    return render(request, "funds/page.html", {
        "title": _("安全技术推广"), "buttons": [{"label": _("发起推广行动"), "url": reverse("funds:campaign_new"), "testid": "btn-new"}],
        "tables": [{"testid": "campaigns", "headers": [_("推广行动"), _("技术类型"), _("组织辖区"), _("完成期限"), _("推广对象"),
                                                         _("已完成"), _("完成率")], "rows": rows}]})


@require_action("funds.campaign")
def campaign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One campaign: coverage of its target list by district and sector, and each target."""
    c = TechCampaign.objects.restrict(request.user, "funds.campaign").filter(pk=pk).select_related("jurisdiction").first()
    if c is None:
        raise Http404
    targets = c.targets.select_related("enterprise__jurisdiction", "enterprise__sector", "installation").order_by(
        "done_at", "enterprise__name")[:2000]
    facts = [(_("推广行动"), c.name), (_("技术类型"), c.get_kind_display()), (_("组织辖区"), c.jurisdiction.name),
             (_("完成期限"), c.deadline.strftime("%Y-%m-%d")), (_("说明"), c.description)]
    today = timezone.localdate()
    return render(request, "funds/page.html", {
        "title": c.name, "crumbs": [(_("安全技术推广"), reverse("funds:campaigns"))], "facts": facts,
        "tables": [
            {"title": _("覆盖情况（按辖区和行业）"), "testid": "campaign-coverage",
             "headers": [_("辖区"), _("行业"), _("推广对象"), _("已完成"), _("完成率")],
             "rows": [{"cells": [r["area"], r["sector"], r["total"], r["equipped"], _rate(r["rate"])]}
                      for r in sel.campaign_coverage(user=request.user, campaign=c)]},
            {"title": _("推广对象"), "testid": "targets", "headers": [_("企业"), _("辖区"), _("行业"), _("状态")],
             "rows": [{"cells": [t.enterprise.name, t.enterprise.jurisdiction.name,
                                 t.enterprise.sector.name if t.enterprise.sector_id else "—",
                                 {"tag": "success", "text": _("已安装")} if t.done_at else (
                                     {"tag": "danger", "text": _("逾期未安装")} if c.deadline < today
                                     else {"tag": "warning", "text": _("待安装")})]} for t in targets]}]})


@require_action("funds.campaign")
def campaign_new_view(request: HttpRequest) -> HttpResponse:
    form = f.CampaignForm(request.POST or None, user=request.user)
    crumbs = [(_("安全技术推广"), reverse("funds:campaigns"))]

    def do(d: dict[str, Any]) -> Any:
        place = d["jurisdiction"]
        ents = Enterprise.objects.restrict(request.user, "funds.campaign").filter(jurisdiction__path__startswith=place.path)
        if d.get("sector"):
            ents = ents.filter(sector__path__startswith=d["sector"].path)
        if d.get("max_employees"):
            ents = ents.filter(employees__lte=d["max_employees"])
        targets = list(ents[:2001])
        if len(targets) > 2000:
            raise DomainError("推广对象超过 2000 家，请缩小范围", "More than 2,000 enterprises: narrow the choice", field="sector")
        services.campaign_create(actor=request.user, jurisdiction=place, name=d["name"], kind=d["kind"],
                                 deadline=d["deadline"], enterprises=targets, description=d["description"])
        messages.success(request, _("已发起，%(n)d 家企业收到待办") % {"n": len(targets)})
        return redirect("funds:campaigns")

    done = _form_page(request, form, "", crumbs, do)
    return done or _render_form(request, form, _("发起推广行动"), crumbs)
