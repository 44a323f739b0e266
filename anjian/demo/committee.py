"""A year of the committee's and the responsibility system's work in the demo city, built through
the services exactly as real use would build it: member units; letters city → districts and
city → departments (signed and overdue) and district → streets; two meetings with minutes and
decisions being chased; a leader's instruction split three ways with one department late and
escalated; a notice and an interview; supervision visits; the assessment schemes with a mid-year round and its ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.committee import services as cs
from anjian.committee.models import Case, CaseSource
from anjian.documents.models import DocumentSeries
from anjian.enterprises.models import Enterprise
from anjian.responsibility import services as rs
from anjian.responsibility.models import Letter, LetterLevel, Result


def _local(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_committee_year(builder: Any) -> dict[str, int]:
    users = {u.username: u for u in User.objects.filter(username__in=["city_office", "district1", "regulator"])}
    office, ema_user = users.get("city_office"), users.get("regulator")
    city, districts = builder.city, builder.districts
    deps = builder.departments
    ema, housing, transport = deps["市应急管理局"], deps["市住建局"], deps["市交通局"]
    series = DocumentSeries.objects.get(code="demo-city-committee")
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    # The year so far, in days from its start (a demo built in January still shows a few weeks).
    span = max((today - year_start).days, 30)

    def day(fraction: float) -> dt.date:
        return min(today, year_start + dt.timedelta(days=int(span * fraction)))

    counts: dict[str, int] = {}
    with transaction.atomic():
        # member units and their people
        for i, (short, dept) in enumerate(deps.items()):
            cs.member_set(actor=office, jurisdiction=city, department=dept, role="lead" if i == 0 else "member",
                          representative=f"{short}主要负责人", representative_post="局长" if i else "主任",
                          liaison=f"{short}联络员", liaison_phone=f"0755-8800{i:04d}")
        counts["committee_members"] = len(deps)

        # letters: city → districts, city → departments, district 1 → its streets
        targets = [
            {"metric": "deaths", "comparator": "le", "value": 2, "text": "生产安全事故死亡人数控制在2人以内"},
            {"metric": "larger_accidents", "comparator": "le", "value": 0, "text": "不发生较大及以上生产安全事故"},
            {"metric": "hazard_rectification", "comparator": "ge", "value": 95, "text": "隐患整改率不低于95%"},
        ]
        body = ("落实党政同责、一岗双责、齐抓共管、失职追责\n开展安全生产大检查和重点行业领域专项整治\n"
                "按季度组织应急演练，年内培训覆盖全部监管人员")
        t_district = rs.template_create(actor=office, year=today.year, level=LetterLevel.CITY_DISTRICT,
                                        title=f"{today.year}年度安全生产目标管理责任书（区）", jurisdiction=city,
                                        issuer="示范市人民政府", body=body, targets=targets)
        t_dept = rs.template_create(actor=office, year=today.year, level=LetterLevel.CITY_DEPARTMENT,
                                    title=f"{today.year}年度安全生产目标管理责任书（市直部门）", jurisdiction=city,
                                    issuer="示范市人民政府", body=body, targets=targets[1:])
        issued = min(day(0.05), today - dt.timedelta(days=30))  # so that the unsigned ones are overdue
        letters = rs.letters_issue(actor=office, template=t_district, series=series, issued_on=issued)
        letters += rs.letters_issue(actor=office, template=t_dept, series=series, issued_on=issued)
        for lt in letters:
            if lt.recipient_name in (districts[-1].name, transport.name, deps["市商务局"].name):
                continue  # left unsigned: overdue on the status board
            rs.letter_acknowledge(actor=None, letter=lt, signatory=f"{lt.recipient_name}主要负责人",
                                  method="online")
        district_series = DocumentSeries.objects.get(code="demo-district-1-committee")
        t_street = rs.template_create(actor=users.get("district1"), year=today.year, level=LetterLevel.DISTRICT_STREET,
                                      title=f"{today.year}年度街道安全生产责任书", jurisdiction=districts[0],
                                      issuer=f"{districts[0].name}人民政府", body=body, targets=targets)
        street_letters = rs.letters_issue(actor=users.get("district1"), template=t_street, series=district_series,
                                          issued_on=day(0.1))
        for lt in street_letters[:1]:
            rs.letter_acknowledge(actor=None, letter=lt, signatory=f"{lt.recipient_name}主任")
        # an enterprise of district 1 issues its post letters (企业→岗位); two holders have signed
        ent = Enterprise.objects.filter(jurisdiction__path__startswith=districts[0].path,
                                        status="operating").order_by("id").first()
        if ent is not None:
            t_post = rs.template_create(actor=None, year=today.year, level=LetterLevel.ENTERPRISE_POST,
                                        title=f"{today.year}年度岗位安全生产责任书", enterprise=ent, issuer=ent.name,
                                        posts="主要负责人\n安全管理员\n生产班组长\n设备维修工",
                                        body="遵守安全操作规程\n参加安全培训和应急演练\n及时报告事故隐患", targets=[])
            post_letters = rs.letters_issue(actor=None, template=t_post, issued_on=day(0.1))
            for lt in post_letters[:2]:
                scan = SimpleUploadedFile(f"{lt.post}-签字.pdf", b"%PDF-1.4\n% demo signed post letter\n",
                                          content_type="application/pdf")
                rs.letter_acknowledge(actor=None, letter=lt, method="scan", signatory=f"{lt.post}张工", files=[scan])
        counts["responsibility_letters"] = Letter.objects.count()

        # two meetings with minutes and decisions being chased
        first = cs.meeting_create(actor=office, jurisdiction=city, kind="quarterly",
                                  title=f"{today.year}年第一季度防范重特大安全事故工作会议", held_at=_local(day(0.2)),
                                  place="市政府第一会议室", chair="常务副市长",
                                  agenda="一、通报全市安全生产形势\n二、部署重点行业领域专项整治\n三、各区汇报",
                                  invited=list(deps.values()))
        for dept in list(deps.values())[:6]:
            cs.meeting_sign_in(actor=None, meeting=first, name=f"{dept.short_name}代表", department=dept)
        cs.meeting_minutes(actor=office, meeting=first, series=series,
                           minutes="会议通报了全市安全生产形势，部署了有限空间和城镇燃气专项整治。",
                           decisions=[
                               {"title": "开展有限空间作业专项整治", "content": "全面排查涉有限空间作业企业",
                                "tasks": [{"unit": ema, "requirement": "排查工贸企业有限空间作业",
                                           "deadline": day(0.35)},
                                          {"unit": districts[0], "requirement": "组织辖区企业自查自改",
                                           "deadline": day(0.35)}]},
                               {"title": "城镇燃气安全隐患排查", "content": "排查餐饮场所燃气使用",
                                "tasks": [{"unit": housing, "requirement": "排查燃气管网与用户端隐患",
                                           "deadline": today + dt.timedelta(days=20)}]},
                           ])
        second = cs.meeting_create(actor=office, jurisdiction=city, kind="special", title="汛期安全防范专题会议",
                                   held_at=_local(day(0.6)), place="市应急指挥中心", chair="分管副市长",
                                   agenda="研究汛期地质灾害、工地和隧道积水防范措施", invited=[ema, housing, transport])
        for dept in (ema, housing, transport):
            cs.meeting_sign_in(actor=None, meeting=second, name=f"{dept.short_name}分管领导", department=dept)
        cs.meeting_minutes(actor=office, meeting=second, series=series,
                           minutes="会议要求各部门落实汛期24小时值班和隐患排查。",
                           decisions=[{"title": "汛期重点部位隐患排查", "content": "排查工地基坑、隧道涵洞",
                                       "tasks": [{"unit": transport, "requirement": "隧道涵洞积水点排查",
                                                  "deadline": today + dt.timedelta(days=10)}]}])
        # the first meeting's decisions: one closed, one answered awaiting review, one still open
        for case in first.decisions.all():
            for t in case.tasks.all():
                if t.department_id == ema.pk:
                    cs.task_read(actor=ema_user, task=t)
                    cs.task_submit(actor=ema_user, task=t, feedback="已排查工贸企业有限空间作业点126处，整改隐患31项")
                    cs.task_close(actor=office, task=t, note="同意办结")
                elif t.department_id is None:
                    cs.task_submit(actor=None, task=t, feedback="辖区企业自查自改已完成，报送自查表412份")

        # a leader's instruction split three ways; transport is late
        instr = cs.case_create(
            actor=office, source=CaseSource.INSTRUCTION, title="落实市长关于岁末年初安全防范工作的批示",
            content="请应急、住建、交通部门立即组织排查，确保岁末年初安全形势稳定。", leader="市长",
            jurisdiction=city, instructed_on=today - dt.timedelta(days=20), series=series,
            tasks=[{"unit": ema, "requirement": "排查危险化学品企业", "deadline": today - dt.timedelta(days=5)},
                   {"unit": housing, "requirement": "排查在建工地", "deadline": today - dt.timedelta(days=5)},
                   {"unit": transport, "requirement": "排查客运站场和隧道", "deadline": today - dt.timedelta(days=5)}],
        )
        for t in instr.tasks.all():
            if t.department_id == ema.pk:
                cs.task_submit(actor=ema_user, task=t, feedback="排查危化企业58家，发现隐患12项，已整改10项")
                cs.task_close(actor=office, task=t, note="同意")
            elif t.department_id == housing.pk:
                cs.task_read(actor=None, task=t)
                cs.task_submit(actor=None, task=t, feedback="排查在建工地73个，责令停工整改2个")
        counts["committee_escalated"] = cs.tasks_escalate_overdue()
        notice = cs.notice_issue(
            actor=office, jurisdiction=city, kind="criticism", title="关于市交通局逾期未反馈督办事项的通报",
            body=f"{instr.title}，市交通局至今未反馈办理情况。\n请市交通局立即组织排查，三日内书面报告。",
            issuer="示范市安全生产委员会办公室", recipients=[transport, ema, housing], series=series, case=instr,
        )
        cs.notice_read(actor=ema_user, receipt=notice.receipts.get(department=ema))
        cs.interview_record(
            actor=office, jurisdiction=city, target=transport, interviewees="市交通局分管副局长",
            interviewer="市安委办主任", reason="督办事项逾期未反馈，客运站场隐患排查不到位", held_on=today,
            commitments="一周内完成客运站场和隧道全面排查，书面报告整改情况", follow_up_on=today + dt.timedelta(days=7),
            place="市安委办第二会议室", series=series, case=instr,
        )
        counts["committee_cases"] = Case.objects.count()

        # supervision visits: one done (its finding handed to district 1), one planned
        done = cs.visit_plan(actor=office, jurisdiction=city, focus="sector", title="危险化学品企业安全生产督导",
                             target=f"{districts[0].name}危险化学品生产储存企业", leader="分管副市长",
                             planned_on=day(0.7))
        cs.visit_record(actor=office, visit=done, done_on=day(0.7),
                        findings="两家企业储罐区可燃气体报警器未定期检定；一家企业特殊作业审批不规范。",
                        tasks=[{"unit": districts[0], "requirement": "督促企业完成报警器检定、规范特殊作业审批",
                                "deadline": today + dt.timedelta(days=15)}])
        cs.visit_plan(actor=office, jurisdiction=city, focus="holiday", title="元旦春节期间安全生产督导",
                      target="人员密集场所、燃气使用场所", leader="常务副市长", planned_on=today + dt.timedelta(days=14))
        counts["committee_visits"] = 2

        # the assessment: districts and departments, mid-year round computed from the platform's figures
        mid_end = min(dt.date(today.year, 6, 30), today)
        for subjects, name in (("district", "各区"), ("department", "市直部门")):
            scheme = rs.scheme_create(actor=office, year=today.year, name=f"{today.year}年度{name}安全生产考核方案",
                                      jurisdiction=city, subjects=subjects)
            rs.round_open(actor=office, scheme=scheme, stage="mid", period_start=year_start, period_end=mid_end,
                          self_due=today + dt.timedelta(days=10))
        counts["assessment_results"] = Result.objects.count()
    return counts
